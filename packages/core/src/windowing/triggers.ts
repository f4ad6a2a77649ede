/**
 * Triggers (Flink's Trigger): when a window's contents are handed to the window function. Triggers
 * are called for one key and one window at a time; timers they set belong to the key, and state they
 * ask for with `getPartitionedState` belongs to the key and the window.
 */
import type { StateDescriptor } from '../state/descriptors.js';
import { ReducingStateDescriptor } from '../state/descriptors.js';
import type { StateFor } from '../state/states.js';
import { GlobalWindow, type Window } from './windows.js';

/** What a trigger decides: whether to call the window function, and whether to drop the contents. */
export class TriggerResult {
  static readonly CONTINUE = new TriggerResult(false, false);
  static readonly FIRE = new TriggerResult(true, false);
  static readonly PURGE = new TriggerResult(false, true);
  static readonly FIRE_AND_PURGE = new TriggerResult(true, true);

  private constructor(
    readonly fire: boolean,
    readonly purge: boolean,
  ) {}

  isFire(): boolean {
    return this.fire;
  }

  isPurge(): boolean {
    return this.purge;
  }
}

export interface TriggerContext {
  getCurrentProcessingTime(): number;
  getCurrentWatermark(): number;
  /**
   * Timers belong to the key, not to one window: when one fires, the trigger is asked about every
   * window of the key (check `time` against the window, as the built-in triggers do).
   */
  registerEventTimeTimer(time: number): void;
  registerProcessingTimeTimer(time: number): void;
  deleteEventTimeTimer(time: number): void;
  deleteProcessingTimeTimer(time: number): void;
  /** State of this key and window; clear it in clear(). */
  getPartitionedState<D extends StateDescriptor>(descriptor: D): StateFor<D>;
}

export interface OnMergeContext extends TriggerContext {
  /** Merges the state of the windows being merged into the merged window's (reducing and aggregating state). */
  mergePartitionedState(descriptor: StateDescriptor): void;
}

export abstract class Trigger<T, W extends Window> {
  declare readonly __in?: (element: T, window: W) => void;
  abstract onElement(element: T, timestamp: number, window: W, ctx: TriggerContext): TriggerResult;
  abstract onEventTime(time: number, window: W, ctx: TriggerContext): TriggerResult;
  abstract onProcessingTime(time: number, window: W, ctx: TriggerContext): TriggerResult;
  /** The window is gone: delete its timers and state. */
  abstract clear(window: W, ctx: TriggerContext): void;
  /** Triggers used with session windows must merge. */
  canMerge(): boolean {
    return false;
  }
  onMerge(_window: W, _ctx: OnMergeContext): void {
    throw new Error(`${this.constructor.name} cannot be used with merging (session) windows: implement canMerge() and onMerge()`);
  }
}

/** Fires once the watermark passes the window's end; fires again for each late record (allowed lateness). */
export class EventTimeTrigger extends Trigger<unknown, Window> {
  private static readonly INSTANCE = new EventTimeTrigger();
  static create(): EventTimeTrigger {
    return EventTimeTrigger.INSTANCE;
  }
  onElement(_e: unknown, _t: number, window: Window, ctx: TriggerContext): TriggerResult {
    if (window.maxTimestamp() <= ctx.getCurrentWatermark()) return TriggerResult.FIRE;
    ctx.registerEventTimeTimer(window.maxTimestamp());
    return TriggerResult.CONTINUE;
  }
  onEventTime(time: number, window: Window): TriggerResult {
    return time === window.maxTimestamp() ? TriggerResult.FIRE : TriggerResult.CONTINUE;
  }
  onProcessingTime(): TriggerResult {
    return TriggerResult.CONTINUE;
  }
  clear(window: Window, ctx: TriggerContext): void {
    ctx.deleteEventTimeTimer(window.maxTimestamp());
  }
  override canMerge(): boolean {
    return true;
  }
  override onMerge(window: Window, ctx: OnMergeContext): void {
    if (window.maxTimestamp() > ctx.getCurrentWatermark()) ctx.registerEventTimeTimer(window.maxTimestamp());
  }
}

/** Fires once the clock passes the window's end. */
export class ProcessingTimeTrigger extends Trigger<unknown, Window> {
  private static readonly INSTANCE = new ProcessingTimeTrigger();
  static create(): ProcessingTimeTrigger {
    return ProcessingTimeTrigger.INSTANCE;
  }
  onElement(_e: unknown, _t: number, window: Window, ctx: TriggerContext): TriggerResult {
    ctx.registerProcessingTimeTimer(window.maxTimestamp());
    return TriggerResult.CONTINUE;
  }
  onEventTime(): TriggerResult {
    return TriggerResult.CONTINUE;
  }
  onProcessingTime(time: number, window: Window): TriggerResult {
    return time === window.maxTimestamp() ? TriggerResult.FIRE : TriggerResult.CONTINUE;
  }
  clear(window: Window, ctx: TriggerContext): void {
    ctx.deleteProcessingTimeTimer(window.maxTimestamp());
  }
  override canMerge(): boolean {
    return true;
  }
  override onMerge(window: Window, ctx: OnMergeContext): void {
    ctx.registerProcessingTimeTimer(window.maxTimestamp());
  }
}

/** Fires every `count` records of a window (count windows). */
export class CountTrigger extends Trigger<unknown, Window> {
  private readonly countState = new ReducingStateDescriptor<number>('count', (a, b) => a + b);
  private constructor(private readonly count: number) {
    super();
    if (!Number.isInteger(count) || count <= 0) throw new RangeError(`CountTrigger needs a positive integer count, got ${String(count)}`);
  }
  static of(count: number): CountTrigger {
    return new CountTrigger(count);
  }
  onElement(_e: unknown, _t: number, _w: Window, ctx: TriggerContext): TriggerResult {
    const state = ctx.getPartitionedState(this.countState);
    state.add(1);
    if (state.get()! >= this.count) {
      state.clear();
      return TriggerResult.FIRE;
    }
    return TriggerResult.CONTINUE;
  }
  onEventTime(): TriggerResult {
    return TriggerResult.CONTINUE;
  }
  onProcessingTime(): TriggerResult {
    return TriggerResult.CONTINUE;
  }
  clear(_w: Window, ctx: TriggerContext): void {
    ctx.getPartitionedState(this.countState).clear();
  }
  override canMerge(): boolean {
    return true;
  }
  override onMerge(_w: Window, ctx: OnMergeContext): void {
    ctx.mergePartitionedState(this.countState);
  }
}

/**
 * Fires every `interval` ms of event time while the window is open, and at its end: early results of
 * long windows (Flink's ContinuousEventTimeTrigger).
 */
export class ContinuousEventTimeTrigger extends Trigger<unknown, Window> {
  private readonly fireAt = new ReducingStateDescriptor<number>('fire-time', (a, b) => Math.min(a, b));
  private constructor(private readonly interval: number) {
    super();
    if (!Number.isInteger(interval) || interval <= 0) throw new RangeError(`ContinuousEventTimeTrigger needs a positive interval in ms, got ${String(interval)}`);
  }
  static of(interval: number): ContinuousEventTimeTrigger {
    return new ContinuousEventTimeTrigger(interval);
  }
  onElement(_e: unknown, timestamp: number, window: Window, ctx: TriggerContext): TriggerResult {
    if (window.maxTimestamp() <= ctx.getCurrentWatermark()) return TriggerResult.FIRE;
    ctx.registerEventTimeTimer(window.maxTimestamp());
    const fireAt = ctx.getPartitionedState(this.fireAt);
    if (fireAt.get() === undefined) this.registerNext(timestamp - mod(timestamp, this.interval), window, ctx);
    return TriggerResult.CONTINUE;
  }
  onEventTime(time: number, window: Window, ctx: TriggerContext): TriggerResult {
    if (time === window.maxTimestamp()) return TriggerResult.FIRE;
    const fireAt = ctx.getPartitionedState(this.fireAt);
    if (fireAt.get() !== time) return TriggerResult.CONTINUE;
    fireAt.clear();
    this.registerNext(time, window, ctx);
    return TriggerResult.FIRE;
  }
  onProcessingTime(): TriggerResult {
    return TriggerResult.CONTINUE;
  }
  clear(window: Window, ctx: TriggerContext): void {
    const fireAt = ctx.getPartitionedState(this.fireAt);
    const time = fireAt.get();
    if (time !== undefined) ctx.deleteEventTimeTimer(time);
    fireAt.clear();
    ctx.deleteEventTimeTimer(window.maxTimestamp());
  }
  override canMerge(): boolean {
    return true;
  }
  override onMerge(window: Window, ctx: OnMergeContext): void {
    ctx.mergePartitionedState(this.fireAt);
    const time = ctx.getPartitionedState(this.fireAt).get();
    if (time !== undefined) ctx.registerEventTimeTimer(time);
    if (window.maxTimestamp() > ctx.getCurrentWatermark()) ctx.registerEventTimeTimer(window.maxTimestamp());
  }
  /** The next firing: an interval after `time`, or the window's end if that comes first. */
  private registerNext(time: number, window: Window, ctx: TriggerContext): void {
    const next = Math.min(time + this.interval, window.maxTimestamp());
    ctx.getPartitionedState(this.fireAt).add(next);
    ctx.registerEventTimeTimer(next);
  }
}

/** Turns every FIRE of the trigger it wraps into FIRE_AND_PURGE. */
export class PurgingTrigger<T, W extends Window> extends Trigger<T, W> {
  private constructor(private readonly nested: Trigger<T, W>) {
    super();
  }
  static of<T, W extends Window>(nested: Trigger<T, W>): PurgingTrigger<T, W> {
    return new PurgingTrigger(nested);
  }
  onElement(element: T, timestamp: number, window: W, ctx: TriggerContext): TriggerResult {
    return purging(this.nested.onElement(element, timestamp, window, ctx));
  }
  onEventTime(time: number, window: W, ctx: TriggerContext): TriggerResult {
    return purging(this.nested.onEventTime(time, window, ctx));
  }
  onProcessingTime(time: number, window: W, ctx: TriggerContext): TriggerResult {
    return purging(this.nested.onProcessingTime(time, window, ctx));
  }
  clear(window: W, ctx: TriggerContext): void {
    this.nested.clear(window, ctx);
  }
  override canMerge(): boolean {
    return this.nested.canMerge();
  }
  override onMerge(window: W, ctx: OnMergeContext): void {
    this.nested.onMerge(window, ctx);
  }
}

/** The default of GlobalWindows: never fires. */
export class NeverTrigger extends Trigger<unknown, GlobalWindow> {
  private static readonly INSTANCE = new NeverTrigger();
  static create(): NeverTrigger {
    return NeverTrigger.INSTANCE;
  }
  onElement(): TriggerResult {
    return TriggerResult.CONTINUE;
  }
  onEventTime(): TriggerResult {
    return TriggerResult.CONTINUE;
  }
  onProcessingTime(): TriggerResult {
    return TriggerResult.CONTINUE;
  }
  clear(): void {}
}

function purging(result: TriggerResult): TriggerResult {
  return result.fire ? TriggerResult.FIRE_AND_PURGE : result;
}

function mod(a: number, m: number): number {
  const r = a % m;
  return r < 0 ? r + m : r;
}
