/** ProcessFunction and KeyedProcessFunction: the record, its context, side outputs, and on keyed streams timers. */
import { IllegalOperatorUsage, type Collector, type OnTimerContext, type OutputTag, type TimeDomain, type TimerService } from '@sage/core';
import { NO_TIMESTAMP } from '../records/stream-elements.js';
import type { InternalTimer, InternalTimerService, Triggerable } from '../time/internal-timer-service.js';
import { UserFunctionOperator } from './user-function-operator.js';
import type { OperatorContext } from './stream-operator.js';

type ProcessElement = (value: unknown, ctx: OnTimerContext<unknown>, out: Collector<unknown>) => void;
type OnTimer = (timestamp: number, ctx: OnTimerContext<unknown>, out: Collector<unknown>) => void;

export class ProcessOperator extends UserFunctionOperator implements Triggerable {
  private readonly fn: ProcessElement;
  private readonly onTimerFn: OnTimer | undefined;
  private readonly call: ProcessCall;
  /** Keyed operators only. */
  timers: InternalTimerService | undefined = undefined;

  constructor(context: OperatorContext, userFunction: unknown) {
    super(context, userFunction);
    this.fn = this.method('processElement');
    this.onTimerFn = this.optionalMethod('onTimer');
    this.call = new ProcessCall(this);
  }

  override async open(): Promise<void> {
    // Before the user's open(): timers of a restored checkpoint are back in place when it runs.
    if (this.backend !== null) this.timers = this.getInternalTimerService('user', this);
    await super.open();
  }

  processElement(value: unknown, timestamp: number): void {
    if (this.keySelector !== null) this.setKeyOf(value);
    const call = this.call;
    call.timestamp_ = timestamp;
    call.outputTimestamp = timestamp;
    this.fn(value, call, call);
  }

  onEventTime(timer: InternalTimer): void {
    this.fireTimer(timer.timestamp, 'EVENT_TIME', timer.timestamp);
  }

  onProcessingTime(timer: InternalTimer): void {
    this.fireTimer(timer.timestamp, 'PROCESSING_TIME', NO_TIMESTAMP);
  }

  currentKey(): unknown {
    if (this.backend === null) throw new Error(`Operator '${this.context.operatorName}' is not keyed: there is no current key`);
    return this.backend.currentKey;
  }

  private fireTimer(timestamp: number, domain: TimeDomain, outputTimestamp: number): void {
    const onTimer = this.onTimerFn;
    if (onTimer === undefined) {
      throw new IllegalOperatorUsage(`Operator '${this.context.operatorName}' set a timer but its function has no onTimer(timestamp, ctx, out) method`);
    }
    const call = this.call;
    call.timestamp_ = timestamp;
    call.outputTimestamp = outputTimestamp;
    call.domain = domain;
    try {
      onTimer(timestamp, call, call);
    } finally {
      call.domain = undefined;
    }
  }
}

/** The context and collector of every call: one object reused for all records, so a call allocates nothing. */
class ProcessCall implements OnTimerContext<unknown>, Collector<unknown>, TimerService {
  timestamp_ = NO_TIMESTAMP;
  outputTimestamp = NO_TIMESTAMP;
  /** Set while onTimer runs. */
  domain: TimeDomain | undefined = undefined;

  constructor(private readonly operator: ProcessOperator) {}

  collect(value: unknown): void {
    this.operator.output.collect(value, this.outputTimestamp);
  }

  timestamp(): number | undefined {
    return this.timestamp_ === NO_TIMESTAMP ? undefined : this.timestamp_;
  }

  output<X>(tag: OutputTag<X>, value: X): void {
    this.operator.output.collectSide(tag.id, value, this.outputTimestamp);
  }

  getCurrentKey(): unknown {
    return this.operator.currentKey();
  }

  timeDomain(): TimeDomain {
    if (this.domain === undefined) throw new IllegalOperatorUsage('timeDomain() is only known inside onTimer()');
    return this.domain;
  }

  timerService(): TimerService {
    return this;
  }

  currentProcessingTime(): number {
    return this.operator.context.processingTime.getCurrentProcessingTime();
  }

  currentWatermark(): number {
    return this.operator.currentWatermark;
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

  private keyedTimers(): InternalTimerService {
    const timers = this.operator.timers;
    if (timers === undefined) {
      throw new IllegalOperatorUsage(
        `Operator '${this.operator.context.operatorName}' set a timer on a stream that is not keyed: timers need keyBy(...) before process()`,
      );
    }
    return timers;
  }
}
