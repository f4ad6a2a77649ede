/**
 * CoProcessFunction and KeyedCoProcessFunction: each input's records with their context. On keyed
 * connected streams the current key comes from the input the record arrived on, so both inputs share
 * keyed state and timers per key.
 */
import { IllegalOperatorUsage, type Collector, type OnTimerContext, type TimeDomain } from '@sage/core';
import { NO_TIMESTAMP } from '../../records/stream-elements.js';
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
    const call = this.call;
    call.timestamp_ = timestamp;
    call.outputTimestamp = timestamp;
    this.fn1(value, call, call);
  }

  processElement2(value: unknown, timestamp: number): void {
    if (this.keySelector2 !== null) this.setKeyOf2(value);
    const call = this.call;
    call.timestamp_ = timestamp;
    call.outputTimestamp = timestamp;
    this.fn2(value, call, call);
  }

  onEventTime(timer: InternalTimer): void {
    this.fireTimer(timer.timestamp, 'EVENT_TIME', timer.timestamp);
  }

  onProcessingTime(timer: InternalTimer): void {
    this.fireTimer(timer.timestamp, 'PROCESSING_TIME', NO_TIMESTAMP);
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
