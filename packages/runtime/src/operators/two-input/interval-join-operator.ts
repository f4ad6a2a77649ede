/**
 * The interval join (Flink's IntervalJoinOperator). Each side is buffered in keyed state: per key a
 * flat array `[t0, records at t0, t1, records at t1, …]` sorted by timestamp, so a record finds the
 * other side's matches by binary search instead of scanning every bucket. A left record at t joins
 * right records in [t + lower, t + upper]; a right one at t left records in [t - upper, t - lower].
 * Each bucket is dropped once the watermark passes the time after which no record of the other side
 * can match it, as in Flink: left buckets at t + upper, right ones at t - lower (at t itself when that
 * is earlier). Unlike Flink, which sets a timer per record, a key keeps one timer per side, at its
 * earliest bucket's cleanup time; when it fires, every bucket due by the watermark goes in one cut and
 * the timer moves to the next bucket. Same cleanup, far fewer timers (a key buffers hundreds of buckets
 * between two watermarks). Records behind the watermark are late: dropped, or sent to the side output
 * the user named for their side, as in Flink.
 */
import { IllegalOperatorUsage, type Collector, type IntervalJoinParams, type OutputTag, type ProcessJoinContext } from '@sage/core';
import { NO_TIMESTAMP } from '../../records/stream-elements.js';
import type { StateTable } from '../../state/heap-keyed-state-backend.js';
import type { InternalTimerService, Triggerable } from '../../time/internal-timer-service.js';
import type { OperatorContext } from '../stream-operator.js';
import { TwoInputOperator } from './two-input-operator.js';

type JoinFn = (left: unknown, right: unknown, ctx: ProcessJoinContext, out: Collector<unknown>) => void;

export class IntervalJoinOperator extends TwoInputOperator {
  private readonly fn: JoinFn;
  private readonly lowerBound: number;
  private readonly upperBound: number;
  private readonly leftLateDataTag: string | undefined;
  private readonly rightLateDataTag: string | undefined;
  private readonly call: JoinCall;
  private leftBuffer!: StateTable;
  private rightBuffer!: StateTable;
  private leftTimers!: InternalTimerService;
  private rightTimers!: InternalTimerService;

  constructor(context: OperatorContext, userFunction: unknown, params: IntervalJoinParams) {
    super(context, userFunction);
    this.fn = typeof userFunction === 'function' ? (userFunction as JoinFn) : this.method('processElement');
    this.lowerBound = params.lowerBound;
    this.upperBound = params.upperBound;
    this.leftLateDataTag = params.leftLateDataTag;
    this.rightLateDataTag = params.rightLateDataTag;
    this.call = new JoinCall(this);
  }

  override async open(): Promise<void> {
    const backend = this.backend;
    if (backend === null) throw new IllegalOperatorUsage(`Interval join '${this.context.operatorName}' needs keyed inputs: a.keyBy(...).intervalJoin(b.keyBy(...))`);
    this.leftBuffer = backend.internalTable('__interval-join/left');
    this.rightBuffer = backend.internalTable('__interval-join/right');
    this.leftTimers = this.getInternalTimerService('interval-join/left', new Cleanup(this, true));
    this.rightTimers = this.getInternalTimerService('interval-join/right', new Cleanup(this, false));
    await super.open();
  }

  processElement1(value: unknown, timestamp: number): void {
    if (this.isLate(timestamp)) {
      if (this.leftLateDataTag !== undefined) this.output.collectSide(this.leftLateDataTag, value, timestamp);
      return;
    }
    this.setKeyOf1(value);
    const lower = this.lowerBound;
    const upper = this.upperBound;
    const first = this.addToBuffer(this.leftBuffer, value, timestamp);
    const others = this.bucketsOfCurrentKey(this.rightBuffer);
    if (others !== undefined) {
      const call = this.call;
      const fn = this.fn;
      const to = timestamp + upper;
      for (let i = firstAtOrAfter(others, timestamp + lower); i < others.length && (others[i] as number) <= to; i += 2) {
        const rightTs = others[i] as number;
        const bucket = others[i + 1] as unknown[];
        call.set(timestamp, rightTs);
        for (let j = 0; j < bucket.length; j++) fn(value, bucket[j], call, call);
      }
    }
    if (first) this.leftTimers.registerEventTimeTimer(upper > 0 ? timestamp + upper : timestamp);
  }

  processElement2(value: unknown, timestamp: number): void {
    if (this.isLate(timestamp)) {
      if (this.rightLateDataTag !== undefined) this.output.collectSide(this.rightLateDataTag, value, timestamp);
      return;
    }
    this.setKeyOf2(value);
    const lower = this.lowerBound;
    const upper = this.upperBound;
    const first = this.addToBuffer(this.rightBuffer, value, timestamp);
    const others = this.bucketsOfCurrentKey(this.leftBuffer);
    if (others !== undefined) {
      const call = this.call;
      const fn = this.fn;
      const to = timestamp - lower;
      for (let i = firstAtOrAfter(others, timestamp - upper); i < others.length && (others[i] as number) <= to; i += 2) {
        const leftTs = others[i] as number;
        const bucket = others[i + 1] as unknown[];
        call.set(leftTs, timestamp);
        for (let j = 0; j < bucket.length; j++) fn(bucket[j], value, call, call);
      }
    }
    if (first) this.rightTimers.registerEventTimeTimer(lower < 0 ? timestamp - lower : timestamp);
  }

  /** The current key's cleanup timer of one side fired: drops the buckets due by the watermark, sets the next timer. */
  cleanUp(left: boolean): void {
    const watermark = this.currentWatermark;
    if (left) {
      const upper = this.upperBound;
      const next = this.removeUpTo(this.leftBuffer, upper > 0 ? watermark - upper : watermark);
      if (next !== undefined) this.leftTimers.registerEventTimeTimer(upper > 0 ? next + upper : next);
    } else {
      const lower = this.lowerBound;
      const next = this.removeUpTo(this.rightBuffer, lower < 0 ? watermark + lower : watermark);
      if (next !== undefined) this.rightTimers.registerEventTimeTimer(lower < 0 ? next - lower : next);
    }
  }

  private isLate(timestamp: number): boolean {
    if (timestamp === NO_TIMESTAMP) {
      throw new IllegalOperatorUsage(
        `Interval join '${this.context.operatorName}' received a record without a timestamp: give both inputs event time, ` +
          'with env.fromSource(source, WatermarkStrategy...) or assignTimestampsAndWatermarks(...)',
      );
    }
    return timestamp < this.currentWatermark;
  }

  private bucketsOfCurrentKey(table: StateTable): unknown[] | undefined {
    const backend = this.backend!;
    return table.maps[backend.currentKeyGroupIndex]!.get(backend.currentStateKey) as unknown[] | undefined;
  }

  /** Adds to the current key's buffer; true when the record's bucket is new and now the earliest (its timer is the key's). */
  private addToBuffer(table: StateTable, value: unknown, timestamp: number): boolean {
    const backend = this.backend!;
    const index = backend.currentKeyGroupIndex;
    const stateKey = backend.currentStateKey;
    if (backend.owed[index] !== 0) table.preserve(index, stateKey);
    const map = table.maps[index]!;
    const buckets = map.get(stateKey) as unknown[] | undefined;
    if (buckets === undefined) {
      map.set(stateKey, [timestamp, [value]]);
      return true;
    }
    // Mostly in order: look from the end.
    let i = buckets.length - 2;
    while (i >= 0 && (buckets[i] as number) > timestamp) i -= 2;
    if (i >= 0 && buckets[i] === timestamp) (buckets[i + 1] as unknown[]).push(value);
    else if (i === buckets.length - 2) buckets.push(timestamp, [value]);
    else buckets.splice(i + 2, 0, timestamp, [value]);
    return i < 0;
  }

  /** Drops the current key's buckets at or before `timestamp`; returns the earliest one left, if any. */
  private removeUpTo(table: StateTable, timestamp: number): number | undefined {
    const backend = this.backend!;
    const index = backend.currentKeyGroupIndex;
    const stateKey = backend.currentStateKey;
    const map = table.maps[index]!;
    const buckets = map.get(stateKey) as unknown[] | undefined;
    if (buckets === undefined) return undefined;
    const end = firstAfter(buckets, timestamp);
    if (end === 0) return buckets[0] as number;
    if (backend.owed[index] !== 0) table.preserve(index, stateKey);
    if (end >= buckets.length) {
      map.delete(stateKey);
      return undefined;
    }
    buckets.splice(0, end);
    return buckets[0] as number;
  }
}

/** Index of the first bucket at or after `timestamp` in `[t0, b0, t1, b1, …]` (its length when none). */
function firstAtOrAfter(buckets: readonly unknown[], timestamp: number): number {
  let lo = 0;
  let hi = buckets.length >> 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((buckets[mid << 1] as number) < timestamp) lo = mid + 1;
    else hi = mid;
  }
  return lo << 1;
}

/** Index of the first bucket after `timestamp` (the length when none). */
function firstAfter(buckets: readonly unknown[], timestamp: number): number {
  let lo = 0;
  let hi = buckets.length >> 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((buckets[mid << 1] as number) <= timestamp) lo = mid + 1;
    else hi = mid;
  }
  return lo << 1;
}

class Cleanup implements Triggerable {
  constructor(
    private readonly operator: IntervalJoinOperator,
    private readonly left: boolean,
  ) {}

  onEventTime(): void {
    this.operator.cleanUp(this.left);
  }

  onProcessingTime(): void {}
}

/** The context and collector of every joined pair, reused. */
class JoinCall implements ProcessJoinContext, Collector<unknown> {
  private left = 0;
  private right = 0;
  private outputTimestamp = 0;

  constructor(private readonly operator: IntervalJoinOperator) {}

  set(left: number, right: number): void {
    this.left = left;
    this.right = right;
    this.outputTimestamp = left > right ? left : right;
  }

  leftTimestamp(): number {
    return this.left;
  }

  rightTimestamp(): number {
    return this.right;
  }

  timestamp(): number {
    return this.outputTimestamp;
  }

  output<X>(tag: OutputTag<X>, value: X): void {
    this.operator.output.collectSide(tag.id, value, this.outputTimestamp);
  }

  collect(value: unknown): void {
    this.operator.output.collect(value, this.outputTimestamp);
  }
}
