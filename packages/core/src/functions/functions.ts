/**
 * The shapes of user functions. Every transformation takes either a plain function or an object (or
 * class instance) with the named method plus optional `open(ctx)` / `close()`.
 */
import type { Collector, RichFunction, RuntimeContext } from './context.js';
import type { OutputTag } from './output-tag.js';

export interface MapFunction<IN, OUT> extends RichFunction {
  map(value: IN): OUT;
}

/** Either emits through `out` or returns an iterable of results (an array, a generator, ...). */
export interface FlatMapFunction<IN, OUT> extends RichFunction {
  flatMap(value: IN, out: Collector<OUT>): Iterable<OUT> | void;
}

export interface FilterFunction<IN> extends RichFunction {
  filter(value: IN): boolean;
}

export interface ReduceFunction<T> extends RichFunction {
  reduce(accumulated: T, value: T): T;
}

export type MapFn<IN, OUT> = ((value: IN) => OUT) | MapFunction<IN, OUT>;
export type FlatMapFn<IN, OUT> = ((value: IN, out: Collector<OUT>) => Iterable<OUT> | void) | FlatMapFunction<IN, OUT>;
export type FilterFn<IN> = ((value: IN) => boolean) | FilterFunction<IN>;
export type ReduceFn<T> = ((accumulated: T, value: T) => T) | ReduceFunction<T>;

/** Which clock a timer follows. */
export type TimeDomain = 'EVENT_TIME' | 'PROCESSING_TIME';

/**
 * Time and timers, as Flink's TimerService. Timers belong to the current key, fire once per key and
 * timestamp however often they are registered, and are checkpointed with keyed state.
 */
export interface TimerService {
  /** Milliseconds since the epoch. */
  currentProcessingTime(): number;
  /** The operator's event time: the last watermark it received (-Infinity before the first). */
  currentWatermark(): number;
  /** onTimer is called once the watermark reaches `time`. Keyed streams only. */
  registerEventTimeTimer(time: number): void;
  /** onTimer is called once the clock reaches `time`. Keyed streams only. */
  registerProcessingTimeTimer(time: number): void;
  deleteEventTimeTimer(time: number): void;
  deleteProcessingTimeTimer(time: number): void;
}

/** The context of one `processElement` call. */
export interface ProcessContext {
  /** The record's timestamp, or undefined when the record carries none. */
  timestamp(): number | undefined;
  /** Emits to a side output; read it downstream with `getSideOutput(tag)`. */
  output<X>(tag: OutputTag<X>, value: X): void;
  /** Time, and on keyed streams timers. */
  timerService(): TimerService;
}

export interface KeyedProcessContext<K> extends ProcessContext {
  getCurrentKey(): K;
}

/** The context of an `onTimer` call: the timer's key and time domain; `timestamp()` is the timer's time. */
export interface OnTimerContext<K> extends KeyedProcessContext<K> {
  timeDomain(): TimeDomain;
}

/**
 * A ProcessFunction sees every record with its context and may emit any number of records to the main
 * output and to side outputs.
 */
export abstract class ProcessFunction<IN, OUT> implements RichFunction {
  abstract processElement(value: IN, ctx: ProcessContext, out: Collector<OUT>): void;
  open?(ctx: RuntimeContext): void | Promise<void>;
  close?(): void | Promise<void>;
}

/**
 * A ProcessFunction on a keyed stream: it has keyed state, knows the current key, and sets timers
 * (`ctx.timerService()`), which call onTimer with the key they were set for.
 */
export abstract class KeyedProcessFunction<K, IN, OUT> implements RichFunction {
  /** Marks the class so the planner can refuse it on a stream that is not keyed. */
  static readonly requiresKeyedInput = true;
  abstract processElement(value: IN, ctx: KeyedProcessContext<K>, out: Collector<OUT>): void;
  /**
   * A timer fired. Records emitted from an event-time timer carry its timestamp; from a
   * processing-time timer, none.
   */
  onTimer?(timestamp: number, ctx: OnTimerContext<K>, out: Collector<OUT>): void;
  open?(ctx: RuntimeContext): void | Promise<void>;
  close?(): void | Promise<void>;
}

export type ProcessFn<IN, OUT> =
  | ((value: IN, ctx: ProcessContext, out: Collector<OUT>) => void)
  | { processElement(value: IN, ctx: ProcessContext, out: Collector<OUT>): void; open?: RichFunction['open']; close?: RichFunction['close'] };

export type KeyedProcessFn<K, IN, OUT> =
  | ((value: IN, ctx: KeyedProcessContext<K>, out: Collector<OUT>) => void)
  | {
      processElement(value: IN, ctx: KeyedProcessContext<K>, out: Collector<OUT>): void;
      onTimer?(timestamp: number, ctx: OnTimerContext<K>, out: Collector<OUT>): void;
      open?: RichFunction['open'];
      close?: RichFunction['close'];
    };

export type KeySelector<T, K> = (value: T) => K;
