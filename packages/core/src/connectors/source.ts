/**
 * The Source contract (after Flink's FLIP-27, without a central enumerator): every subtask creates a
 * reader, which decides deterministically from its index and the parallelism which splits it reads, and
 * keeps its position in operator state so a checkpoint can rewind it.
 */
export type Boundedness = 'bounded' | 'unbounded';

/** `more`: call pollNext again; `nothing`: wait for isAvailable(); `end`: this reader is done. */
export type InputStatus = 'more' | 'nothing' | 'end';

export interface SourceReaderContext {
  readonly jobName: string;
  /** The running job's id: unique per submission (a job resumed from a savepoint gets a new one). */
  readonly jobId: string;
  readonly subtaskIndex: number;
  readonly parallelism: number;
  readonly attemptNumber: number;
  /**
   * Split states from a checkpoint; undefined on a fresh start. By default each subtask gets its own
   * list back (or, after a rescale, a round-robin share of all lists); with `restoreMode: 'union'`
   * every subtask gets every subtask's states and keeps what it owns.
   */
  readonly restoredState: readonly unknown[] | undefined;
}

/** Where a reader emits the records of one split (Flink's SourceOutput). */
export interface SourceOutput<T> {
  /**
   * Emits one record; `timestamp` is its event time in epoch milliseconds, if it has one. Answers
   * false when the task needs pollNext to return (as Node's `stream.write()` answers false): the
   * operators behind the source have used up the task's time slice, and the task must send what it
   * buffered and let the rest of the process run. The reader then returns `more` and goes on at the
   * next call. A reader that keeps emitting stays correct, but latency and heartbeats then wait for
   * the end of its poll.
   */
  collect(value: T, timestamp?: number): boolean;
  /**
   * For readers that know event time themselves (a watermark from the external system): no record
   * with a timestamp at or below `watermark` follows from this output. Generators of the job's
   * WatermarkStrategy emit through the same path.
   */
  emitWatermark?(watermark: number): void;
  /** This output has no data for now: it no longer holds the source's watermark back. */
  markIdle?(): void;
  markActive?(): void;
}

/**
 * What a reader emits into. Records collected here share one watermark generator for the subtask.
 * A reader of several splits (Kafka partitions, file splits) emits each split's records through the
 * split's own output instead, so that each split gets its own generator and the source's watermark
 * is the minimum over its active splits: one slow partition holds it back, an idle one does not.
 * The split methods are optional so that a plain object with collect() serves in tests; readers
 * fall back to this output when they are missing: `output.createOutputForSplit?.(id) ?? output`.
 */
export interface ReaderOutput<T> extends SourceOutput<T> {
  /**
   * The output for split `splitId`, created at the first call and the same object after. Create it
   * when the reader takes the split on, before its first record: a split with no output does not
   * hold the watermark back. Once a reader has created one, records collected on the ReaderOutput
   * itself feed no generator. A reader may keep a split's output across polls, until it releases it;
   * the ReaderOutput itself it should take from each pollNext call.
   */
  createOutputForSplit?(splitId: string): SourceOutput<T>;
  /** The split is finished: it stops counting for the source's watermark (as +Infinity would). */
  releaseOutputForSplit?(splitId: string): void;
}

export interface SourceReader<T, SplitState = unknown> {
  /** Connects, opens files, seeks to restored positions. */
  start(): Promise<void>;
  /**
   * Emits what is at hand, a bounded number of records (a few thousand at most) so the task can take
   * checkpoints and backpressure between calls, and stops early when collect() answers false. Never
   * waits.
   */
  pollNext(output: ReaderOutput<T>): InputStatus;
  /** Resolves when pollNext has something again after it answered `nothing`. */
  isAvailable(): Promise<void>;
  /** The position of every split this reader owns, taken between two pollNext calls. */
  snapshotState(checkpointId: number): SplitState[];
  notifyCheckpointComplete?(checkpointId: number): void | Promise<void>;
  close(): Promise<void>;
}

export interface Source<T, SplitState = unknown> {
  /** Default operator name, e.g. `Kafka` or `Files`. */
  readonly name: string;
  readonly boundedness: Boundedness;
  /** True for sources that can only run with parallelism 1 (a collection, a socket). */
  readonly nonParallel?: boolean;
  /** How split states come back after a restore; see SourceReaderContext.restoredState. */
  readonly restoreMode?: 'redistribute' | 'union';
  createReader(ctx: SourceReaderContext): SourceReader<T, SplitState>;
  /**
   * Paths on a local file system that this connector opens on the TaskManagers. `sage run
   * --jobmanager` refuses relative ones: they would resolve in each TaskManager's working directory.
   */
  filePaths?(): readonly string[];
}
