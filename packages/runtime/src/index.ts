export { LocalCluster, JobExecution, type ExecuteOptions, type JobResult, type JobState, type LocalClusterOptions, type VertexProgress } from './cluster/local-cluster.js';
export { Task, TaskCanceled, TaskFailure, TASK_NOT_READY, type CheckpointResponder, type TaskCheckpointAck, type TaskCheckpointing, type TaskSpec, type TaskState } from './tasks/task.js';
export { Mailbox, type Mail } from './tasks/mailbox.js';
export { Signal } from './tasks/signal.js';
export { OperatorChain } from './tasks/operator-chain.js';
export { LocalChannel, type InputChannel, type ResultSubpartition } from './network/channel.js';
export { InputGate } from './network/input-gate.js';
export { RecordWriter, createRecordWriter, type RecordWriterSpec } from './network/record-writer.js';
export {
  CheckpointBarrier,
  EndOfPartition,
  NO_TIMESTAMP,
  RecordBatch,
  Watermark,
  WatermarkStatus,
  type StreamElement,
  type StreamEvent,
} from './records/stream-elements.js';
export { HeapKeyedStateBackend, StateTable } from './state/heap-keyed-state-backend.js';
export { IncompatibleStateTtl } from './state/incompatible-state-ttl.js';
export { ManualTtlTimeProvider, SYSTEM_TTL_TIME_PROVIDER, type TtlTimeProvider } from './state/ttl-time-provider.js';
export { TaskMetrics } from './metrics/task-metrics.js';
export { CollectSink } from './testing/collect-sink.js';
export { ARTIFACT_EXTERNALS, ArtifactMismatch, artifactHash, loadJobArtifact } from './artifact/job-artifact.js';
export { BarrierAligner, type CheckpointingMode } from './checkpoint/barrier-aligner.js';
export type { KeyedStateSnapshot, StateSnapshotInfo } from './state/keyed-state-snapshot.js';
export {
  CorruptCheckpoint,
  finalStateNamespace,
  type CheckpointStorage,
  type CompletedCheckpoint,
  type OperatorCheckpoint,
  stateBytesLength,
  type StateBytes,
  type StateHandle,
  type UnreadableCheckpoint,
} from './checkpoint/checkpoint-storage.js';
export { decodeCheckpointMetadata, encodeCheckpointMetadata } from './checkpoint/checkpoint-metadata.js';
export { FileCheckpointStorage } from './checkpoint/file-checkpoint-storage.js';
export { sha256 } from './checksum.js';
export {
  CheckpointCoordinator,
  CheckpointFailure,
  type CheckpointCoordinatorSpec,
  type CheckpointParticipants,
  type CheckpointStats,
  type CoordinatorLog,
} from './checkpoint/checkpoint-coordinator.js';
export {
  CorruptCheckpointNotRestored,
  NoUsableCheckpoint,
  selectRestoreCheckpoint,
  verifyCheckpoint,
  type RestoreChoice,
  type SkippedCheckpoint,
} from './checkpoint/restore-selection.js';
export type { TaskRestore, RestoredOperatorState } from './checkpoint/task-restore.js';
export { NonRestoredState, assignSubtaskState, checkRestoreCompatibility, redistributeOperatorState } from './checkpoint/state-assignment.js';
export { RestartBackoff } from './failover/restart-backoff.js';
