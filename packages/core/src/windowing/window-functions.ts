/** The functions that see a window's contents (Flink's ProcessWindowFunction and ProcessAllWindowFunction). */
import type { Collector, RichFunction, RuntimeContext } from '../functions/context.js';
import type { OutputTag } from '../functions/output-tag.js';
import type { StateDescriptor } from '../state/descriptors.js';
import type { StateFor } from '../state/states.js';
import type { Window } from './windows.js';

/** Keyed state of the current key, seen from a window function. */
export interface KeyedStateStore {
  getState<D extends StateDescriptor>(descriptor: D): StateFor<D>;
}

export interface ProcessAllWindowContext<W extends Window> {
  /** The window being evaluated. */
  readonly window: W;
  currentProcessingTime(): number;
  currentWatermark(): number;
  /** State of this key and this window; clear it in `clear(ctx)`, which runs when the window is dropped. */
  windowState(): KeyedStateStore;
  /** State of this key, shared by all its windows. */
  globalState(): KeyedStateStore;
  /** Emits to a side output; read it with `getSideOutput(tag)` on the window's result. */
  output<X>(tag: OutputTag<X>, value: X): void;
}

export type ProcessWindowContext<W extends Window> = ProcessAllWindowContext<W>;

/**
 * Called with all records of a window (or, after reduce/aggregate, with the one result) when the
 * window fires. What it emits carries the timestamp `window.maxTimestamp()`.
 */
export abstract class ProcessWindowFunction<IN, OUT, KEY, W extends Window> implements RichFunction {
  /** Keeps the type parameters checked even where a subclass's process() declares fewer parameters. */
  declare readonly __signature?: (key: KEY, window: W, elements: readonly IN[]) => OUT;
  abstract process(key: KEY, context: ProcessWindowContext<W>, elements: readonly IN[], out: Collector<OUT>): void;
  /** The window is dropped (after its allowed lateness): clear what it kept in windowState(). */
  clear?(context: ProcessWindowContext<W>): void;
  open?(ctx: RuntimeContext): void | Promise<void>;
  close?(): void | Promise<void>;
}

/** ProcessWindowFunction for windowAll(): there is no key. */
export abstract class ProcessAllWindowFunction<IN, OUT, W extends Window> implements RichFunction {
  declare readonly __signature?: (window: W, elements: readonly IN[]) => OUT;
  abstract process(context: ProcessAllWindowContext<W>, elements: readonly IN[], out: Collector<OUT>): void;
  clear?(context: ProcessAllWindowContext<W>): void;
  open?(ctx: RuntimeContext): void | Promise<void>;
  close?(): void | Promise<void>;
}

export type ProcessWindowFn<IN, OUT, KEY, W extends Window> =
  | ProcessWindowFunction<IN, OUT, KEY, W>
  | ((key: KEY, context: ProcessWindowContext<W>, elements: readonly IN[], out: Collector<OUT>) => void);

export type ProcessAllWindowFn<IN, OUT, W extends Window> =
  | ProcessAllWindowFunction<IN, OUT, W>
  | ((context: ProcessAllWindowContext<W>, elements: readonly IN[], out: Collector<OUT>) => void);
