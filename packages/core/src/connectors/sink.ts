/**
 * The Sink contract, two-phase as Flink's: a writer per subtask writes records and, at every checkpoint
 * (and at the end of input), hands over committables; a committer makes them visible once the
 * checkpoint is complete. Committing must be idempotent: after a crash the same committable may be
 * committed again.
 */
export interface SinkWriterContext {
  readonly jobName: string;
  /** The running job's id: unique per submission (a job resumed from a savepoint gets a new one). */
  readonly jobId: string;
  readonly subtaskIndex: number;
  readonly parallelism: number;
  readonly attemptNumber: number;
  /** Writer state from a checkpoint; undefined on a fresh start. */
  readonly restoredState: readonly unknown[] | undefined;
}

/** Marks the commit at the end of a bounded job, where no checkpoint id exists. */
export const END_OF_INPUT = 'end-of-input' as const;
export type CommitPoint = number | typeof END_OF_INPUT;

export interface SinkWriter<T, Committable = unknown> {
  /** Writes or buffers one record. Synchronous: do I/O in batches, and report backpressure below. */
  write(value: T, timestamp: number | undefined): void;
  /** False while the writer has more buffered than it wants; the task then stops feeding it. */
  isAvailable?(): boolean;
  /** Resolves when isAvailable() turns true again. */
  whenAvailable?(): Promise<void>;
  /** Flushes and returns what must be committed once `point` (a checkpoint, or the end) is complete. */
  prepareCommit(point: CommitPoint): Promise<Committable[]>;
  /** Writer state (beyond committables) to keep in the checkpoint. */
  snapshotState?(checkpointId: number): unknown[];
  close(): Promise<void>;
}

export interface Committer<Committable> {
  commit(committables: readonly Committable[]): Promise<void>;
}

export interface Sink<T, Committable = unknown> {
  /** Default operator name, e.g. `Files` or `Kafka`. */
  readonly name: string;
  createWriter(ctx: SinkWriterContext): SinkWriter<T, Committable>;
  /** Sinks without a second phase (print, discard) have no committer. */
  createCommitter?(): Committer<Committable>;
  /**
   * Paths on a local file system that this connector opens on the TaskManagers. `sage run
   * --jobmanager` refuses relative ones: they would resolve in each TaskManager's working directory.
   */
  filePaths?(): readonly string[];
}
