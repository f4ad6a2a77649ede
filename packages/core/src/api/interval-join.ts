/**
 * The interval join of two keyed streams (Flink's KeyedStream.intervalJoin): a left record at time t
 * joins every right record with the same key and a timestamp in [t + lower, t + upper]. Both sides are
 * buffered in keyed state until the watermark passes the interval; records behind the watermark are
 * dropped. Records need event time (a WatermarkStrategy upstream).
 */
import type { ProcessJoinFn } from '../functions/co-functions.js';
import type { KeySelector } from '../functions/functions.js';
import type { StreamGraph } from '../graph/stream-graph.js';
import { OutputTag } from '../functions/output-tag.js';
import { addTwoInputNode, requireMethods } from './connected-streams.js';
import type { SingleOutputStream, StreamInput } from './data-stream.js';

/** The join's bounds, inclusive after adjustment: an exclusive bound moves inward by 1 ms, as in Flink. */
export interface IntervalJoinParams {
  readonly lowerBound: number;
  readonly upperBound: number;
  /** Side outputs for late records of each side (ids of OutputTags); dropped without. */
  readonly leftLateDataTag?: string;
  readonly rightLateDataTag?: string;
}

export class IntervalJoin<T1, T2, K> {
  /** @internal */
  constructor(
    private readonly graph: StreamGraph,
    private readonly left: { readonly inputs: readonly StreamInput[]; readonly selector: KeySelector<T1, K> },
    private readonly right: { readonly inputs: readonly StreamInput[]; readonly selector: KeySelector<T2, K> },
  ) {}

  /** Right records with timestamps in [left + lowerMs, left + upperMs] join; both bounds inclusive unless made exclusive. */
  between(lowerMs: number, upperMs: number): IntervalJoined<T1, T2, K> {
    if (!Number.isInteger(lowerMs) || !Number.isInteger(upperMs)) {
      throw new TypeError(`between() takes whole milliseconds, got ${lowerMs} and ${upperMs}`);
    }
    if (lowerMs > upperMs) throw new TypeError(`between(${lowerMs}, ${upperMs}): the lower bound must not be above the upper bound`);
    return new IntervalJoined(this.graph, this.left, this.right, lowerMs, upperMs);
  }
}

export class IntervalJoined<T1, T2, K> {
  private lowerInclusive = true;
  private upperInclusive = true;
  private leftLateDataTag: string | undefined;
  private rightLateDataTag: string | undefined;

  /** @internal */
  constructor(
    private readonly graph: StreamGraph,
    private readonly left: { readonly inputs: readonly StreamInput[]; readonly selector: KeySelector<T1, K> },
    private readonly right: { readonly inputs: readonly StreamInput[]; readonly selector: KeySelector<T2, K> },
    private readonly lower: number,
    private readonly upper: number,
  ) {}

  lowerBoundExclusive(): this {
    this.lowerInclusive = false;
    return this;
  }

  upperBoundExclusive(): this {
    this.upperInclusive = false;
    return this;
  }

  /** Left records behind the watermark go to this side output instead of being dropped. */
  sideOutputLeftLateData(tag: OutputTag<T1>): this {
    this.leftLateDataTag = checkTag(tag);
    return this;
  }

  /** Right records behind the watermark go to this side output instead of being dropped. */
  sideOutputRightLateData(tag: OutputTag<T2>): this {
    this.rightLateDataTag = checkTag(tag);
    return this;
  }

  /** Calls `fn` once per joined pair; what it emits carries max(left timestamp, right timestamp). */
  process<R>(fn: ProcessJoinFn<T1, T2, R>): SingleOutputStream<R> {
    const params: IntervalJoinParams = {
      lowerBound: this.lowerInclusive ? this.lower : this.lower + 1,
      upperBound: this.upperInclusive ? this.upper : this.upper - 1,
      ...(this.leftLateDataTag !== undefined ? { leftLateDataTag: this.leftLateDataTag } : {}),
      ...(this.rightLateDataTag !== undefined ? { rightLateDataTag: this.rightLateDataTag } : {}),
    };
    if (params.lowerBound > params.upperBound) {
      throw new TypeError(`The interval join's bounds (${this.lower}, ${this.upper}) with the exclusive ones moved inward leave no interval: widen them`);
    }
    return addTwoInputNode<R>(
      this.graph,
      {
        kind: 'intervalJoin',
        name: 'IntervalJoin',
        fn: typeof fn === 'function' ? fn : requireMethods(fn, 'processElement'),
        keySelector: this.left.selector,
        keySelector2: this.right.selector,
        requiresKeyedInput: true,
        params,
      },
      this.left.inputs,
      this.right.inputs,
    );
  }
}

function checkTag(tag: OutputTag<unknown>): string {
  if (!(tag instanceof OutputTag)) throw new TypeError('sideOutputLeftLateData() and sideOutputRightLateData() take an OutputTag');
  return tag.id;
}
