/**
 * CoProcessFunction and KeyedCoProcessFunction: each input's records with their context. On keyed
 * connected streams the current key comes from the input the record arrived on, so both inputs share
 * keyed state and timers per key.
 */
import type { Collector, OnTimerContext } from '@sage/core';
import type { InternalTimer, Triggerable } from '../../time/internal-timer-service.js';
import type { OperatorContext } from '../stream-operator.js';
import { TwoInputCall } from './two-input-call.js';
import { TwoInputOperator } from './two-input-operator.js';

type ProcessElement = (value: unknown, ctx: OnTimerContext<unknown>, out: Collector<unknown>) => void;
type OnTimer = (timestamp: number, ctx: OnTimerContext<unknown>, out: Collector<unknown>) => void;

export class CoProcessOperator extends TwoInputOperator implements Triggerable {
  private readonly fn1: ProcessElement;
  private readonly fn2: ProcessElement;
  private readonly onTimerFn: OnTimer | undefined;
  private readonly call: TwoInputCall;

  constructor(context: OperatorContext, userFunction: unknown) {
    super(context, userFunction);
    this.fn1 = this.optionalMethod('processElement1')!;
    this.fn2 = this.optionalMethod('processElement2')!;
    this.onTimerFn = this.optionalMethod('onTimer');
    this.call = new TwoInputCall(this, undefined);
  }

  override async open(): Promise<void> {
    // Before the user's open(): timers of a restored checkpoint are back in place when it runs.
    if (this.backend !== null) this.timers = this.getInternalTimerService('user', this);
    await super.open();
  }

  processElement1(value: unknown, timestamp: number): void {
    if (this.keySelector !== null) this.setKeyOf1(value);
    const call = this.call.forRecord(timestamp);
    this.fn1(value, call, call);
  }

  processElement2(value: unknown, timestamp: number): void {
    if (this.keySelector2 !== null) this.setKeyOf2(value);
    const call = this.call.forRecord(timestamp);
    this.fn2(value, call, call);
  }

  onEventTime(timer: InternalTimer): void {
    this.call.fireTimer(this.onTimerFn, timer.timestamp, 'EVENT_TIME');
  }

  onProcessingTime(timer: InternalTimer): void {
    this.call.fireTimer(this.onTimerFn, timer.timestamp, 'PROCESSING_TIME');
  }
}
