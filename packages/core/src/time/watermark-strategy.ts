/**
 * Event time, as Flink's WatermarkStrategy: a TimestampAssigner takes each record's event time, a
 * WatermarkGenerator says how far event time has progressed. Sources run one generator per split (a
 * Kafka partition, a file) and emit the minimum; `assignTimestampsAndWatermarks` runs one per subtask.
 */

/** Where a generator reports progress. */
export interface WatermarkOutput {
  /** No record with a timestamp at or below `watermark` is expected any more. Lower ones are ignored. */
  emitWatermark(watermark: number): void;
  /** This input has no data for now: leave it out of the watermark downstream until it emits again. */
  markIdle(): void;
  /** The input has data again (emitting a watermark does this too). */
  markActive(): void;
}

export interface WatermarkGenerator<T> {
  /** Called for every record, with the timestamp the assigner gave it. */
  onEvent(event: T, eventTimestamp: number, output: WatermarkOutput): void;
  /** Called every auto-watermark interval (`env.getConfig().setAutoWatermarkInterval(ms)`, 200 ms by default). */
  onPeriodicEmit(output: WatermarkOutput): void;
}

/** What a generator may read when it is created. */
export interface WatermarkGeneratorContext {
  /** Milliseconds since the epoch, processing time. */
  currentProcessingTime(): number;
}

/** A record's event time in milliseconds; `recordTimestamp` is what it carried so far (a Kafka record's timestamp), or -Infinity. */
export type TimestampAssigner<T> = (event: T, recordTimestamp: number) => number;

export type WatermarkGeneratorSupplier<T> = (ctx: WatermarkGeneratorContext) => WatermarkGenerator<T>;

export class WatermarkStrategy<T> {
  private constructor(
    private readonly generator: WatermarkGeneratorSupplier<T>,
    /** Undefined: keep the timestamp the record carries (for Kafka, the record's timestamp). */
    readonly timestampAssigner: TimestampAssigner<T> | undefined,
    /** Milliseconds without records after which an input counts as idle; undefined: never. */
    readonly idleTimeoutMs: number | undefined,
    /** False for noWatermarks(): nothing to emit, no periodic work. */
    readonly emitsWatermarks: boolean,
  ) {}

  /**
   * Records may arrive up to `maxOutOfOrdernessMs` later than a record with a higher timestamp: the
   * watermark trails the highest timestamp seen by that much (and 1 ms, as Flink's).
   */
  static forBoundedOutOfOrderness<T>(maxOutOfOrdernessMs: number): WatermarkStrategy<T> {
    checkDuration('forBoundedOutOfOrderness', maxOutOfOrdernessMs, true);
    return new WatermarkStrategy<T>(() => new BoundedOutOfOrdernessWatermarks<T>(maxOutOfOrdernessMs), undefined, undefined, true);
  }

  /** Timestamps never decrease: the watermark is the highest timestamp seen. */
  static forMonotonousTimestamps<T>(): WatermarkStrategy<T> {
    return new WatermarkStrategy<T>(() => new BoundedOutOfOrdernessWatermarks<T>(0), undefined, undefined, true);
  }

  /** Records keep (or get) timestamps, but event time never advances: for jobs that use processing time only. */
  static noWatermarks<T>(): WatermarkStrategy<T> {
    return new WatermarkStrategy<T>(() => NO_WATERMARKS, undefined, undefined, false);
  }

  /** A generator of your own, created once per split or subtask. */
  static forGenerator<T>(supplier: WatermarkGeneratorSupplier<T>): WatermarkStrategy<T> {
    if (typeof supplier !== 'function') throw new TypeError('forGenerator() takes a function that returns a WatermarkGenerator ({ onEvent, onPeriodicEmit })');
    return new WatermarkStrategy<T>(supplier, undefined, undefined, true);
  }

  /** Takes each record's event time from the record: `(event, recordTimestamp) => event.ts`. */
  withTimestampAssigner(assigner: TimestampAssigner<T>): WatermarkStrategy<T> {
    if (typeof assigner !== 'function') throw new TypeError('withTimestampAssigner() takes a function (event, recordTimestamp) => milliseconds');
    return new WatermarkStrategy<T>(this.generator, assigner, this.idleTimeoutMs, this.emitsWatermarks);
  }

  /**
   * An input (split or subtask) without records for `idleTimeoutMs` of processing time is idle: it no
   * longer holds the watermark back, until its next record.
   */
  withIdleness(idleTimeoutMs: number): WatermarkStrategy<T> {
    checkDuration('withIdleness', idleTimeoutMs, false);
    return new WatermarkStrategy<T>(this.generator, this.timestampAssigner, idleTimeoutMs, this.emitsWatermarks);
  }

  createWatermarkGenerator(ctx: WatermarkGeneratorContext): WatermarkGenerator<T> {
    const generator = this.generator(ctx);
    if (!generator || typeof generator.onEvent !== 'function' || typeof generator.onPeriodicEmit !== 'function') {
      throw new TypeError('A WatermarkGenerator needs onEvent(event, timestamp, output) and onPeriodicEmit(output) methods');
    }
    return this.idleTimeoutMs === undefined ? generator : new WatermarksWithIdleness(generator, this.idleTimeoutMs, ctx);
  }
}

/** Flink's BoundedOutOfOrdernessWatermarks: the highest timestamp so far, less the bound, less 1. */
export class BoundedOutOfOrdernessWatermarks<T> implements WatermarkGenerator<T> {
  private maxTimestamp: number;

  constructor(private readonly outOfOrdernessMs: number) {
    this.maxTimestamp = Number.NEGATIVE_INFINITY;
  }

  onEvent(_event: T, eventTimestamp: number): void {
    if (eventTimestamp > this.maxTimestamp) this.maxTimestamp = eventTimestamp;
  }

  onPeriodicEmit(output: WatermarkOutput): void {
    if (this.maxTimestamp !== Number.NEGATIVE_INFINITY) output.emitWatermark(this.maxTimestamp - this.outOfOrdernessMs - 1);
  }
}

/** Marks its input idle when no record came for the timeout, active again at the next record. */
class WatermarksWithIdleness<T> implements WatermarkGenerator<T> {
  private lastEventAt: number;
  private idle = false;

  constructor(
    private readonly inner: WatermarkGenerator<T>,
    private readonly idleTimeoutMs: number,
    private readonly ctx: WatermarkGeneratorContext,
  ) {
    this.lastEventAt = ctx.currentProcessingTime();
  }

  onEvent(event: T, eventTimestamp: number, output: WatermarkOutput): void {
    this.inner.onEvent(event, eventTimestamp, output);
    // The clock is read at the next periodic emit, not per record.
    this.lastEventAt = Number.NaN;
    if (this.idle) {
      this.idle = false;
      output.markActive();
    }
  }

  onPeriodicEmit(output: WatermarkOutput): void {
    const now = this.ctx.currentProcessingTime();
    if (Number.isNaN(this.lastEventAt)) this.lastEventAt = now;
    if (!this.idle && now - this.lastEventAt >= this.idleTimeoutMs) {
      this.idle = true;
      output.markIdle();
      return;
    }
    if (!this.idle) this.inner.onPeriodicEmit(output);
  }
}

const NO_WATERMARKS: WatermarkGenerator<never> = { onEvent() {}, onPeriodicEmit() {} };

function checkDuration(method: string, ms: number, zeroAllowed: boolean): void {
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0 || (!zeroAllowed && ms === 0)) {
    throw new TypeError(`${method}() takes a duration in milliseconds${zeroAllowed ? ' (0 or more)' : ' above 0'}, got ${String(ms)}`);
  }
}
