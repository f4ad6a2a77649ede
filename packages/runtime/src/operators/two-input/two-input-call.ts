/**
 * The context and collector of every user call of a CoProcess or BroadcastProcess operator: one
 * object reused for all records, so a call allocates nothing. Which broadcast state view it hands out
 * (read-only or writable) and whether timers exist depend on the operator and the call.
 */
import {
  IllegalOperatorUsage,
  type Collector,
  type MapStateDescriptor,
  type OnTimerContext,
  type OutputTag,
  type StateDescriptor,
  type StateFor,
  type TimeDomain,
  type TimerService,
} from '@sage/core';
import { NO_TIMESTAMP } from '../../records/stream-elements.js';
import type { InternalTimerService } from '../../time/internal-timer-service.js';
import { keysWithState, type BroadcastStates } from './broadcast-state.js';
import type { TwoInputOperator } from './two-input-operator.js';

export class TwoInputCall implements OnTimerContext<unknown>, Collector<unknown>, TimerService {
  timestamp_ = NO_TIMESTAMP;
  outputTimestamp = NO_TIMESTAMP;
  /** Set while onTimer runs. */
  domain: TimeDomain | undefined = undefined;
  /** True while processBroadcastElement runs: broadcast state may be written. */
  writable = false;

  constructor(
    private readonly owner: TwoInputOperator,
    private readonly broadcast: BroadcastStates | undefined,
  ) {}

  collect(value: unknown): void {
    this.owner.output.collect(value, this.outputTimestamp);
  }

  timestamp(): number | undefined {
    return this.timestamp_ === NO_TIMESTAMP ? undefined : this.timestamp_;
  }

  output<X>(tag: OutputTag<X>, value: X): void {
    this.owner.output.collectSide(tag.id, value, this.outputTimestamp);
  }

  getCurrentKey(): unknown {
    const backend = this.owner.context.keyedBackend;
    if (backend === null) throw new IllegalOperatorUsage(`Operator '${this.owner.context.operatorName}' is not keyed: there is no current key`);
    if (this.writable) throw new IllegalOperatorUsage('processBroadcastElement() has no current key: use ctx.applyToKeyedState(descriptor, (key, state) => ...)');
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
    return this.owner.context.processingTime.getCurrentProcessingTime();
  }

  currentWatermark(): number {
    return this.owner.currentWatermark;
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

  getBroadcastState(descriptor: MapStateDescriptor<unknown, unknown>): unknown {
    if (this.broadcast === undefined) throw new IllegalOperatorUsage(`Operator '${this.owner.context.operatorName}' has no broadcast state`);
    return this.writable ? this.broadcast.writable(descriptor) : this.broadcast.readOnly(descriptor);
  }

  /** Flink's applyToKeyedState: `fn` runs for every key of this subtask with state under `descriptor`. */
  applyToKeyedState<D extends StateDescriptor>(descriptor: D, fn: (key: unknown, state: StateFor<D>) => void): void {
    const backend = this.owner.context.keyedBackend;
    if (backend === null) throw new IllegalOperatorUsage(`applyToKeyedState(): operator '${this.owner.context.operatorName}' is not keyed: connect a keyed stream to the broadcast stream`);
    const state = backend.getState(descriptor);
    for (const key of keysWithState(backend, descriptor.name)) {
      backend.setCurrentKey(key);
      fn(key, state);
    }
  }

  private keyedTimers(): InternalTimerService {
    const timers = this.owner.timers;
    if (timers === undefined) {
      throw new IllegalOperatorUsage(`Operator '${this.owner.context.operatorName}' set a timer on streams that are not keyed: timers need keyed inputs`);
    }
    if (this.writable) throw new IllegalOperatorUsage('processBroadcastElement() cannot set timers: it has no current key');
    return timers;
  }
}
