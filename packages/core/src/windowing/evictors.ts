/**
 * Evictors (Flink's Evictor): remove records from a window's contents before or after the window
 * function sees them. A window with an evictor keeps every record (no incremental aggregation).
 */
import type { TimestampedValue, Window } from './windows.js';

export interface EvictorContext {
  getCurrentProcessingTime(): number;
  getCurrentWatermark(): number;
}

export interface Evictor<T, W extends Window> {
  /** Remove records from `elements` (in place: splice it) before the window function runs. */
  evictBefore(elements: TimestampedValue<T>[], size: number, window: W, ctx: EvictorContext): void;
  /** Remove records from `elements` (in place) after the window function ran. */
  evictAfter(elements: TimestampedValue<T>[], size: number, window: W, ctx: EvictorContext): void;
}

/** Keeps the last `maxCount` records of the window. */
export class CountEvictor implements Evictor<unknown, Window> {
  private constructor(
    private readonly maxCount: number,
    private readonly doEvictAfter: boolean,
  ) {
    if (!Number.isInteger(maxCount) || maxCount <= 0) throw new RangeError(`CountEvictor needs a positive integer count, got ${String(maxCount)}`);
  }
  static of(maxCount: number, doEvictAfter = false): CountEvictor {
    return new CountEvictor(maxCount, doEvictAfter);
  }
  evictBefore(elements: TimestampedValue<unknown>[], size: number): void {
    if (!this.doEvictAfter) this.evict(elements, size);
  }
  evictAfter(elements: TimestampedValue<unknown>[], size: number): void {
    if (this.doEvictAfter) this.evict(elements, size);
  }
  private evict(elements: TimestampedValue<unknown>[], size: number): void {
    if (size > this.maxCount) elements.splice(0, size - this.maxCount);
  }
}

/** Keeps the records within `windowSize` ms of the window's newest record. */
export class TimeEvictor implements Evictor<unknown, Window> {
  private constructor(
    private readonly windowSize: number,
    private readonly doEvictAfter: boolean,
  ) {
    if (!(windowSize >= 0)) throw new RangeError(`TimeEvictor needs a size in ms >= 0, got ${String(windowSize)}`);
  }
  static of(windowSize: number, doEvictAfter = false): TimeEvictor {
    return new TimeEvictor(windowSize, doEvictAfter);
  }
  evictBefore(elements: TimestampedValue<unknown>[]): void {
    if (!this.doEvictAfter) this.evict(elements);
  }
  evictAfter(elements: TimestampedValue<unknown>[]): void {
    if (this.doEvictAfter) this.evict(elements);
  }
  private evict(elements: TimestampedValue<unknown>[]): void {
    let newest = Number.NEGATIVE_INFINITY;
    for (const e of elements) if (e.timestamp > newest) newest = e.timestamp;
    if (newest === Number.NEGATIVE_INFINITY) return; // records without timestamps: nothing to compare
    const cutoff = newest - this.windowSize;
    let kept = 0;
    for (const e of elements) if (e.timestamp > cutoff) elements[kept++] = e;
    elements.length = kept;
  }
}
