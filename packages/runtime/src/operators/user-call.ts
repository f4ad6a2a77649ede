/**
 * The context and collector handed to a user function on every call (processElement, onTimer): one
 * object per operator, reused for all records, so a call allocates nothing. It serves ProcessFunction,
 * KeyedProcessFunction and the two-input process functions alike.
 */
import { IllegalOperatorUsage, type Collector, type OnTimerContext, type OutputTag, type TimeDomain, type TimerService } from '@sage/core';
import { NO_TIMESTAMP } from '../records/stream-elements.js';
import type { InternalTimerService } from '../time/internal-timer-service.js';
import type { Output } from './output.js';
import type { OperatorContext } from './stream-operator.js';

/** What a call reads of its operator. */
export interface UserCallHost {
  readonly output: Output;
  readonly context: OperatorContext;
  readonly currentWatermark: number;
  /** Keyed operators only. */
  readonly timers: InternalTimerService | undefined;
}

export type OnTimerFn = (timestamp: number, ctx: OnTimerContext<unknown>, out: Collector<unknown>) => void;

export class UserCall implements OnTimerContext<unknown>, Collector<unknown>, TimerService {
  timestamp_ = NO_TIMESTAMP;
  outputTimestamp = NO_TIMESTAMP;
  /** Set while onTimer runs. */
  domain: TimeDomain | undefined = undefined;

  constructor(protected readonly host: UserCallHost) {}

  /** Sets the call up for a record with this timestamp; what the function emits carries it too. */
  forRecord(timestamp: number): this {
    this.timestamp_ = timestamp;
    this.outputTimestamp = timestamp;
    return this;
  }

  /**
   * Runs the function's onTimer for a timer that fired. Records emitted from an event-time timer
   * carry its timestamp; from a processing-time timer, none (as Flink).
   */
  fireTimer(onTimer: OnTimerFn | undefined, timestamp: number, domain: TimeDomain): void {
    if (onTimer === undefined) {
      throw new IllegalOperatorUsage(`Operator '${this.host.context.operatorName}' set a timer but its function has no onTimer(timestamp, ctx, out) method`);
    }
    this.timestamp_ = timestamp;
    this.outputTimestamp = domain === 'EVENT_TIME' ? timestamp : NO_TIMESTAMP;
    this.domain = domain;
    try {
      onTimer(timestamp, this, this);
    } finally {
      this.domain = undefined;
    }
  }

  collect(value: unknown): void {
    this.host.output.collect(value, this.outputTimestamp);
  }

  timestamp(): number | undefined {
    return this.timestamp_ === NO_TIMESTAMP ? undefined : this.timestamp_;
  }

  output<X>(tag: OutputTag<X>, value: X): void {
    this.host.output.collectSide(tag.id, value, this.outputTimestamp);
  }

  getCurrentKey(): unknown {
    const backend = this.host.context.keyedBackend;
    if (backend === null) throw new IllegalOperatorUsage(`Operator '${this.host.context.operatorName}' is not keyed: there is no current key`);
    return backend.currentKey;
  }

  timeDomain(): TimeDomain {
    if (this.domain === undefined) throw new IllegalOperatorUsage('timeDomain() is only known inside onTimer()');
    return this.domain;
  }

  timerService(): TimerService {
    return this;
  }

  currentProcessingTime(): number {
    return this.host.context.processingTime.getCurrentProcessingTime();
  }

  currentWatermark(): number {
    return this.host.currentWatermark;
  }

  registerEventTimeTimer(time: number): void {
    this.keyedTimers().registerEventTimeTimer(time);
  }

  registerProcessingTimeTimer(time: number): void {
    this.keyedTimers().registerProcessingTimeTimer(time);
  }

  deleteEventTimeTimer(time: number): void {
    this.keyedTimers().deleteEventTimeTimer(time);
  }

  deleteProcessingTimeTimer(time: number): void {
    this.keyedTimers().deleteProcessingTimeTimer(time);
  }

  protected keyedTimers(): InternalTimerService {
    const timers = this.host.timers;
    if (timers === undefined) {
      throw new IllegalOperatorUsage(
        `Operator '${this.host.context.operatorName}' set a timer on a stream that is not keyed: timers need keyBy(...) on its input`,
      );
    }
    return timers;
  }
}
