import type { StateDescriptor } from '../state/descriptors.js';
import type { StateFor } from '../state/states.js';

/** What a function sees of the subtask running it; passed to `open(ctx)`. */
export interface RuntimeContext {
  readonly jobName: string;
  /** The operator's name, e.g. `Map` or the name given with `.name()`. */
  readonly operatorName: string;
  readonly operatorUid: string;
  readonly subtaskIndex: number;
  readonly parallelism: number;
  readonly maxParallelism: number;
  /** 0 on the first run, then incremented on every restart of the job. */
  readonly attemptNumber: number;
  /**
   * Keyed state scoped to the current key. Only operators after `keyBy()` have keyed state; elsewhere
   * this throws IllegalOperatorUsage.
   */
  getState<D extends StateDescriptor>(descriptor: D): StateFor<D>;
}

/** Receives the records a function emits. */
export interface Collector<T> {
  collect(value: T): void;
}

/** Optional lifecycle of every user function given as an object or class instance. */
export interface RichFunction {
  open?(ctx: RuntimeContext): void | Promise<void>;
  close?(): void | Promise<void>;
}
