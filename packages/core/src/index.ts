export { defineJob, isJobDefinition, planJob, type JobBuilder, type JobDefinition } from './api/job.js';
export { StreamExecutionEnvironment, type EnvironmentOptions, type SourceOptions } from './api/environment.js';
export { ExecutionConfig, DEFAULT_AUTO_WATERMARK_INTERVAL_MS } from './api/execution-config.js';
export {
  BoundedOutOfOrdernessWatermarks,
  WatermarkStrategy,
  type TimestampAssigner,
  type WatermarkGenerator,
  type WatermarkGeneratorContext,
  type WatermarkGeneratorSupplier,
  type WatermarkOutput,
} from './time/watermark-strategy.js';
export { days, hours, milliseconds, minutes, seconds } from './time/durations.js';
export { DataStream, DataStreamSink, KeyedStream, SingleOutputStream, type StreamInput } from './api/data-stream.js';
export { ConnectedStreams, KeyedConnectedStreams } from './api/connected-streams.js';
export { BroadcastConnectedStream, BroadcastStream, KeyedBroadcastConnectedStream, type BroadcastParams } from './api/broadcast-stream.js';
export { IntervalJoin, IntervalJoined, type IntervalJoinParams } from './api/interval-join.js';
export {
  BroadcastProcessFunction,
  CoProcessFunction,
  KeyedBroadcastProcessFunction,
  KeyedCoProcessFunction,
  ProcessJoinFunction,
  type BroadcastContext,
  type BroadcastProcessFn,
  type BroadcastState,
  type CoFlatMapFunction,
  type CoMapFunction,
  type CoProcessFn,
  type KeyedBroadcastContext,
  type KeyedBroadcastOnTimerContext,
  type KeyedBroadcastProcessFn,
  type KeyedCoProcessFn,
  type KeyedReadOnlyBroadcastContext,
  type ProcessJoinContext,
  type ProcessJoinFn,
  type ReadOnlyBroadcastContext,
  type ReadOnlyBroadcastState,
} from './functions/co-functions.js';

export type { Collector, RichFunction, RuntimeContext } from './functions/context.js';
export {
  KeyedProcessFunction,
  ProcessFunction,
  type FilterFn,
  type FilterFunction,
  type FlatMapFn,
  type FlatMapFunction,
  type KeyedProcessContext,
  type KeyedProcessFn,
  type OnTimerContext,
  type TimeDomain,
  type TimerService,
  type KeySelector,
  type MapFn,
  type MapFunction,
  type ProcessContext,
  type ProcessFn,
  type ReduceFn,
  type ReduceFunction,
} from './functions/functions.js';
export { OutputTag } from './functions/output-tag.js';

export { GlobalWindow, TimeWindow, Window, type TimestampedValue } from './windowing/windows.js';
export {
  EventTimeSessionWindows,
  FixedWindowAssigner,
  GlobalWindows,
  ProcessingTimeSessionWindows,
  SessionWindowAssigner,
  SlidingEventTimeWindows,
  SlidingProcessingTimeWindows,
  TumblingEventTimeWindows,
  TumblingProcessingTimeWindows,
  WindowAssigner,
  windowStart,
  type SessionGapExtractor,
  type WindowAssignerContext,
  type WindowAssignerKind,
} from './windowing/assigners.js';
export {
  ContinuousEventTimeTrigger,
  CountTrigger,
  EventTimeTrigger,
  NeverTrigger,
  ProcessingTimeTrigger,
  PurgingTrigger,
  Trigger,
  TriggerResult,
  type OnMergeContext,
  type TriggerContext,
} from './windowing/triggers.js';
export { CountEvictor, TimeEvictor, type Evictor, type EvictorContext } from './windowing/evictors.js';
export {
  ProcessAllWindowFunction,
  ProcessWindowFunction,
  type KeyedStateStore,
  type ProcessAllWindowContext,
  type ProcessAllWindowFn,
  type ProcessWindowContext,
  type ProcessWindowFn,
} from './windowing/window-functions.js';
export type { WindowFunctionSpec, WindowOperatorSpec } from './windowing/window-spec.js';
export { AllWindowedStream, WindowedStream } from './windowing/windowed-stream.js';
export {
  CoGroupedStreams,
  JoinedStreams,
  JoinWhereEqual,
  WithWindow,
  type CoGroupFn,
  type CoGroupFunction,
  type JoinFn,
  type JoinFunction,
  type JoinWindowFn,
  type TaggedUnion,
} from './windowing/joins.js';

export {
  AggregatingStateDescriptor,
  ListStateDescriptor,
  MapStateDescriptor,
  ReducingStateDescriptor,
  ValueStateDescriptor,
  type AggregateFunction,
  type StateDescriptor,
  type StateKind,
} from './state/descriptors.js';
export {
  StateTtlConfig,
  StateTtlConfigBuilder,
  StateVisibility,
  UpdateType,
  type CleanupStrategies,
  type IncrementalCleanupStrategy,
} from './state/state-ttl-config.js';
export type {
  AggregatingState,
  ListState,
  MapState,
  ReducingState,
  State,
  StateFor,
  ValueState,
} from './state/states.js';

export type {
  Boundedness,
  InputStatus,
  ReaderOutput,
  SourceOutput,
  Source,
  SourceReader,
  SourceReaderContext,
} from './connectors/source.js';
export { END_OF_INPUT, type CommitPoint, type Committer, type Sink, type SinkWriter, type SinkWriterContext } from './connectors/sink.js';
export { SequenceSource } from './connectors/sequence-source.js';
export { CollectionSource } from './connectors/collection-source.js';
export { PrintSink } from './connectors/print-sink.js';
export { DiscardingSink } from './connectors/discarding-sink.js';

export { StreamGraph, isTwoInputKind, type ChainingStrategy, type OperatorKind, type PartitionerKind, type StreamEdge, type StreamNode } from './graph/stream-graph.js';
export {
  JobGraph,
  type JobEdgeDescriptor,
  type JobExecutionConfig,
  type JobGraphDescriptor,
  type JobVertexDescriptor,
  type OperatorDescriptor,
} from './graph/job-graph.js';
export { compileJobGraph, type CompileOptions } from './graph/compiler.js';
export { fingerprintOf } from './graph/fingerprint.js';

export {
  DEFAULT_MAX_PARALLELISM,
  assignToKeyGroup,
  keyGroupRangeForSubtask,
  murmurMix,
  subtaskForKeyGroup,
  type KeyGroupRange,
} from './keys/key-groups.js';
export { hashKey } from './keys/key-hash.js';

export {
  CHECKPOINT_DEFAULTS,
  resolveCheckpointConfig,
  type CheckpointConfig,
  type CheckpointingMode,
  type CorruptCheckpointPolicy,
  type CheckpointingOptions,
  type ResolvedCheckpointConfig,
} from './config/checkpoint-config.js';
export { RestartStrategies, defaultRestartStrategy, type RestartStrategyConfig } from './config/restart-strategies.js';

export { IllegalOperatorUsage, InvalidJobGraph, InvalidJobModule, InvalidKey, SageError } from './errors.js';
