/** ProcessFunction and KeyedProcessFunction: the record, its context, side outputs, and on keyed streams timers. */
import type { Collector, OnTimerContext } from '@sage/core';
import type { InternalTimer, InternalTimerService, Triggerable } from '../time/internal-timer-service.js';
import { UserFunctionOperator } from './user-function-operator.js';
import type { OperatorContext } from './stream-operator.js';
import { UserCall, type OnTimerFn } from './user-call.js';

type ProcessElement = (value: unknown, ctx: OnTimerContext<unknown>, out: Collector<unknown>) => void;

export class ProcessOperator extends UserFunctionOperator implements Triggerable {
  private readonly fn: ProcessElement;
  private readonly onTimerFn: OnTimerFn | undefined;
  private readonly call: UserCall;
  /** Keyed operators only. */
  timers: InternalTimerService | undefined = undefined;

  constructor(context: OperatorContext, userFunction: unknown) {
    super(context, userFunction);
    this.fn = this.method('processElement');
    this.onTimerFn = this.optionalMethod('onTimer');
    this.call = new UserCall(this);
  }

  override async open(): Promise<void> {
    // Before the user's open(): timers of a restored checkpoint are back in place when it runs.
    if (this.backend !== null) this.timers = this.getInternalTimerService('user', this);
    await super.open();
  }

  processElement(value: unknown, timestamp: number): void {
    if (this.keySelector !== null) this.setKeyOf(value);
    const call = this.call.forRecord(timestamp);
    this.fn(value, call, call);
  }

  onEventTime(timer: InternalTimer): void {
    this.call.fireTimer(this.onTimerFn, timer.timestamp, 'EVENT_TIME');
  }

  onProcessingTime(timer: InternalTimer): void {
    this.call.fireTimer(this.onTimerFn, timer.timestamp, 'PROCESSING_TIME');
  }
}
