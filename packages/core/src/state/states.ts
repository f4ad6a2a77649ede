/**
 * Keyed state, scoped to the key of the record being processed. Reads and writes are synchronous:
 * state lives in the task (heap backend), so a state access costs a map lookup, never a round trip.
 */
import type {
  AggregatingStateDescriptor,
  ListStateDescriptor,
  MapStateDescriptor,
  ReducingStateDescriptor,
  StateDescriptor,
  ValueStateDescriptor,
} from './descriptors.js';

export interface State {
  /** Removes the value for the current key. */
  clear(): void;
}

export interface ValueState<T> extends State {
  /** The value for the current key, or the descriptor's default when there is none. */
  value(): T | undefined;
  update(value: T): void;
}

export interface ListState<T> extends State {
  get(): readonly T[];
  add(value: T): void;
  addAll(values: Iterable<T>): void;
  update(values: Iterable<T>): void;
}

export interface MapState<UK, UV> extends State {
  get(key: UK): UV | undefined;
  put(key: UK, value: UV): void;
  putAll(entries: Iterable<readonly [UK, UV]>): void;
  remove(key: UK): void;
  contains(key: UK): boolean;
  entries(): IterableIterator<[UK, UV]>;
  keys(): IterableIterator<UK>;
  values(): IterableIterator<UV>;
  isEmpty(): boolean;
}

export interface ReducingState<T> extends State {
  get(): T | undefined;
  add(value: T): void;
}

export interface AggregatingState<IN, OUT> extends State {
  get(): OUT | undefined;
  add(value: IN): void;
}

/** The state object a descriptor yields: `ctx.getState(new ValueStateDescriptor<number>('n'))` is a `ValueState<number>`. */
export type StateFor<D extends StateDescriptor> =
  D extends ValueStateDescriptor<infer T>
    ? ValueState<T>
    : D extends ListStateDescriptor<infer T>
      ? ListState<T>
      : D extends MapStateDescriptor<infer UK, infer UV>
        ? MapState<UK, UV>
        : D extends ReducingStateDescriptor<infer T>
          ? ReducingState<T>
          : D extends AggregatingStateDescriptor<infer IN, any, infer OUT>
            ? AggregatingState<IN, OUT>
            : never;
