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

export interface ReaderOutput<T> {
  /**
   * Emits one record; `timestamp` is its event time in epoch milliseconds, if it has one. Answers
   * false when the task needs pollNext to return (as Node's `stream.write()` answers false): the
   * operators behind the source have used up the task's time slice, and the task must send what it
   * buffered and let the rest of the process run. The reader then returns `more` and goes on at the
   * next call. A reader that keeps emitting stays correct, but latency and heartbeats then wait for
   * the end of its poll.
   */
  collect(value: T, timestamp?: number): boolean;
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
