/**
 * The broadcast state pattern (Flink's CoBroadcastWithKeyedOperator and CoBroadcastWithNonKeyedOperator):
 * input 1 is the (keyed or plain) stream, read with broadcast state read-only; input 2 the broadcast
 * stream, whose every element reaches every subtask and may change broadcast state and, through
 * applyToKeyedState, the keyed state of every key the subtask holds.
 */
import type { BroadcastParams, Collector } from '@sage/core';
import type { InternalTimer, Triggerable } from '../../time/internal-timer-service.js';
import type { OperatorSnapshotInProgress } from '../../checkpoint/operator-snapshot.js';
import type { OperatorContext } from '../stream-operator.js';
import { BroadcastStates } from './broadcast-state.js';
import type { OnTimerFn } from '../user-call.js';
import { TwoInputCall } from './two-input-call.js';
import { TwoInputOperator } from './two-input-operator.js';

type Call = (value: unknown, ctx: TwoInputCall, out: Collector<unknown>) => void;
type OnTimer = (timestamp: number, ctx: TwoInputCall, out: Collector<unknown>) => void;

export class BroadcastProcessOperator extends TwoInputOperator implements Triggerable {
  private readonly processElementFn: Call;
  private readonly processBroadcastFn: Call;
  private readonly onTimerFn: OnTimer | undefined;
  private readonly broadcastStates: BroadcastStates;
  private readonly call: TwoInputCall;

  constructor(context: OperatorContext, userFunction: unknown, params: BroadcastParams) {
    super(context, userFunction);
    this.processElementFn = this.optionalMethod('processElement')!;
    this.processBroadcastFn = this.optionalMethod('processBroadcastElement')!;
    this.onTimerFn = this.optionalMethod('onTimer');
    this.broadcastStates = new BroadcastStates(params.broadcastStateNames, context.operatorName, context.restoredState?.operatorState);
    this.call = new TwoInputCall(this, this.broadcastStates);
  }

  override async open(): Promise<void> {
    if (this.backend !== null) this.timers = this.getInternalTimerService('user', this);
    await super.open();
  }

  processElement1(value: unknown, timestamp: number): void {
    if (this.keySelector !== null) this.setKeyOf1(value);
    const call = this.call.forRecord(timestamp);
    this.processElementFn(value, call, call);
  }

  processElement2(value: unknown, timestamp: number): void {
    const call = this.call.forRecord(timestamp);
    call.writable = true;
    try {
      this.processBroadcastFn(value, call, call);
    } finally {
      call.writable = false;
    }
  }

  override async snapshotState(checkpointId: number): Promise<OperatorSnapshotInProgress | undefined> {
    const keyed = await super.snapshotState(checkpointId);
    return { ...keyed, operatorState: this.broadcastStates.snapshot() };
  }

  onEventTime(timer: InternalTimer): void {
    this.call.fireTimer(this.onTimerFn as OnTimerFn | undefined, timer.timestamp, 'EVENT_TIME');
  }

  onProcessingTime(timer: InternalTimer): void {
    this.call.fireTimer(this.onTimerFn as OnTimerFn | undefined, timer.timestamp, 'PROCESSING_TIME');
  }
}
