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

/** The context of one `processElement` call. */
export interface ProcessContext {
  /** The record's timestamp, or undefined when the record carries none. */
  timestamp(): number | undefined;
  /** Emits to a side output; read it downstream with `getSideOutput(tag)`. */
  output<X>(tag: OutputTag<X>, value: X): void;
}

export interface KeyedProcessContext<K> extends ProcessContext {
  getCurrentKey(): K;
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

/** A ProcessFunction on a keyed stream: it has keyed state and knows the current key. */
export abstract class KeyedProcessFunction<K, IN, OUT> implements RichFunction {
  /** Marks the class so the planner can refuse it on a stream that is not keyed. */
  static readonly requiresKeyedInput = true;
  abstract processElement(value: IN, ctx: KeyedProcessContext<K>, out: Collector<OUT>): void;
  open?(ctx: RuntimeContext): void | Promise<void>;
  close?(): void | Promise<void>;
}

export type ProcessFn<IN, OUT> =
  | ((value: IN, ctx: ProcessContext, out: Collector<OUT>) => void)
  | { processElement(value: IN, ctx: ProcessContext, out: Collector<OUT>): void; open?: RichFunction['open']; close?: RichFunction['close'] };

export type KeyedProcessFn<K, IN, OUT> =
  | ((value: IN, ctx: KeyedProcessContext<K>, out: Collector<OUT>) => void)
  | { processElement(value: IN, ctx: KeyedProcessContext<K>, out: Collector<OUT>): void; open?: RichFunction['open']; close?: RichFunction['close'] };

export type KeySelector<T, K> = (value: T) => K;
