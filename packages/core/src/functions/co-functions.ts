/**
 * Functions of two inputs: connect (CoMap, CoFlatMap, CoProcess and their keyed twin), the interval
 * join (ProcessJoinFunction) and the broadcast state pattern (BroadcastProcessFunction and its keyed
 * twin), with the shapes Flink gives them. Methods ending in 1 see the first stream, in 2 the second.
 */
import type { Collector, RichFunction, RuntimeContext } from './context.js';
import type { KeyedProcessContext, OnTimerContext, ProcessContext } from './functions.js';
import type { OutputTag } from './output-tag.js';
import type { MapStateDescriptor } from '../state/descriptors.js';
import type { StateFor } from '../state/states.js';
import type { StateDescriptor } from '../state/descriptors.js';

export interface CoMapFunction<IN1, IN2, OUT> extends RichFunction {
  map1(value: IN1): OUT;
  map2(value: IN2): OUT;
}

/** Each method either emits through `out` or returns an iterable of results. */
export interface CoFlatMapFunction<IN1, IN2, OUT> extends RichFunction {
  flatMap1(value: IN1, out: Collector<OUT>): Iterable<OUT> | void;
  flatMap2(value: IN2, out: Collector<OUT>): Iterable<OUT> | void;
}

/** Both inputs with their context; on keyed connected streams it also has keyed state (no timers: use KeyedCoProcessFunction). */
export abstract class CoProcessFunction<IN1, IN2, OUT> implements RichFunction {
  open?(ctx: RuntimeContext): void | Promise<void>;
  close?(): void | Promise<void>;
  abstract processElement1(value: IN1, ctx: ProcessContext, out: Collector<OUT>): void;
  abstract processElement2(value: IN2, ctx: ProcessContext, out: Collector<OUT>): void;
}

/** Keyed functions carry this mark, so passing one where streams are not keyed is a compile error. */
interface NotKeyed {
  readonly __keyedInput?: never;
}

export type CoProcessFn<IN1, IN2, OUT> = Pick<CoProcessFunction<IN1, IN2, OUT>, 'processElement1' | 'processElement2'> & RichFunction & NotKeyed;

/**
 * Two streams keyed alike: records of both with the same key share keyed state, and timers set from
 * either call onTimer with that key.
 */
export abstract class KeyedCoProcessFunction<K, IN1, IN2, OUT> implements RichFunction {
  open?(ctx: RuntimeContext): void | Promise<void>;
  close?(): void | Promise<void>;
  /** Marks the class so the planner can refuse it on streams that are not keyed. */
  static readonly requiresKeyedInput = true;
  declare readonly __keyedInput?: true;
  abstract processElement1(value: IN1, ctx: KeyedProcessContext<K>, out: Collector<OUT>): void;
  abstract processElement2(value: IN2, ctx: KeyedProcessContext<K>, out: Collector<OUT>): void;
  onTimer?(timestamp: number, ctx: OnTimerContext<K>, out: Collector<OUT>): void;
}

export interface KeyedCoProcessFn<K, IN1, IN2, OUT> extends RichFunction {
  processElement1(value: IN1, ctx: KeyedProcessContext<K>, out: Collector<OUT>): void;
  processElement2(value: IN2, ctx: KeyedProcessContext<K>, out: Collector<OUT>): void;
  onTimer?(timestamp: number, ctx: OnTimerContext<K>, out: Collector<OUT>): void;
}

/** The context of one joined pair: both timestamps; what is emitted carries the later one. */
export interface ProcessJoinContext {
  leftTimestamp(): number;
  rightTimestamp(): number;
  /** max(leftTimestamp, rightTimestamp): the timestamp of what the call emits. */
  timestamp(): number;
  output<X>(tag: OutputTag<X>, value: X): void;
}

/** Called once per pair of the interval join. */
export abstract class ProcessJoinFunction<IN1, IN2, OUT> implements RichFunction {
  open?(ctx: RuntimeContext): void | Promise<void>;
  close?(): void | Promise<void>;
  abstract processElement(left: IN1, right: IN2, ctx: ProcessJoinContext, out: Collector<OUT>): void;
}

export type ProcessJoinFn<IN1, IN2, OUT> =
  | ((left: IN1, right: IN2, ctx: ProcessJoinContext, out: Collector<OUT>) => void)
  | (Pick<ProcessJoinFunction<IN1, IN2, OUT>, 'processElement'> & RichFunction);

/** Broadcast state as the non-broadcast side sees it: every subtask holds the same entries, so it may only read them. */
export interface ReadOnlyBroadcastState<K, V> {
  get(key: K): V | undefined;
  contains(key: K): boolean;
  entries(): IterableIterator<[K, V]>;
  keys(): IterableIterator<K>;
  values(): IterableIterator<V>;
  isEmpty(): boolean;
}

/** Broadcast state as the broadcast side sees it; change it only from what the broadcast element says, so every subtask stays equal. */
export interface BroadcastState<K, V> extends ReadOnlyBroadcastState<K, V> {
  put(key: K, value: V): void;
  remove(key: K): void;
  clear(): void;
}

export interface ReadOnlyBroadcastContext extends ProcessContext {
  getBroadcastState<K, V>(descriptor: MapStateDescriptor<K, V>): ReadOnlyBroadcastState<K, V>;
}

export interface BroadcastContext extends ProcessContext {
  getBroadcastState<K, V>(descriptor: MapStateDescriptor<K, V>): BroadcastState<K, V>;
}

export interface KeyedReadOnlyBroadcastContext<K> extends KeyedProcessContext<K> {
  getBroadcastState<KB, VB>(descriptor: MapStateDescriptor<KB, VB>): ReadOnlyBroadcastState<KB, VB>;
}

export interface KeyedBroadcastContext<K> extends BroadcastContext {
  /** Calls `fn` for every key of this subtask that has state under `descriptor`, with that key's state. */
  applyToKeyedState<D extends StateDescriptor>(descriptor: D, fn: (key: K, state: StateFor<D>) => void): void;
}

export interface KeyedBroadcastOnTimerContext<K> extends OnTimerContext<K> {
  getBroadcastState<KB, VB>(descriptor: MapStateDescriptor<KB, VB>): ReadOnlyBroadcastState<KB, VB>;
}

/** Rules (the broadcast side) applied to a stream that is not keyed. */
export abstract class BroadcastProcessFunction<IN1, IN2, OUT> implements RichFunction {
  open?(ctx: RuntimeContext): void | Promise<void>;
  close?(): void | Promise<void>;
  abstract processElement(value: IN1, ctx: ReadOnlyBroadcastContext, out: Collector<OUT>): void;
  abstract processBroadcastElement(value: IN2, ctx: BroadcastContext, out: Collector<OUT>): void;
}

export type BroadcastProcessFn<IN1, IN2, OUT> = Pick<BroadcastProcessFunction<IN1, IN2, OUT>, 'processElement' | 'processBroadcastElement'> & RichFunction & NotKeyed;

/** Rules (the broadcast side) applied to a keyed stream, with keyed state and timers on the keyed side. */
export abstract class KeyedBroadcastProcessFunction<K, IN1, IN2, OUT> implements RichFunction {
  open?(ctx: RuntimeContext): void | Promise<void>;
  close?(): void | Promise<void>;
  static readonly requiresKeyedInput = true;
  declare readonly __keyedInput?: true;
  abstract processElement(value: IN1, ctx: KeyedReadOnlyBroadcastContext<K>, out: Collector<OUT>): void;
  abstract processBroadcastElement(value: IN2, ctx: KeyedBroadcastContext<K>, out: Collector<OUT>): void;
  onTimer?(timestamp: number, ctx: KeyedBroadcastOnTimerContext<K>, out: Collector<OUT>): void;
}

export interface KeyedBroadcastProcessFn<K, IN1, IN2, OUT> extends RichFunction {
  processElement(value: IN1, ctx: KeyedReadOnlyBroadcastContext<K>, out: Collector<OUT>): void;
  processBroadcastElement(value: IN2, ctx: KeyedBroadcastContext<K>, out: Collector<OUT>): void;
  onTimer?(timestamp: number, ctx: KeyedBroadcastOnTimerContext<K>, out: Collector<OUT>): void;
}
