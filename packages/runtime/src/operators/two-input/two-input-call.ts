/**
 * The call object of a CoProcess or BroadcastProcess operator (see UserCall): which broadcast state
 * view it hands out (read-only or writable) and whether timers and a current key exist depend on the
 * call.
 */
import { IllegalOperatorUsage, type MapStateDescriptor, type StateDescriptor, type StateFor } from '@sage/core';
import type { InternalTimerService } from '../../time/internal-timer-service.js';
import { UserCall } from '../user-call.js';
import { keysWithState, type BroadcastStates } from './broadcast-state.js';
import type { TwoInputOperator } from './two-input-operator.js';

export class TwoInputCall extends UserCall {
  /** True while processBroadcastElement runs: broadcast state may be written. */
  writable = false;

  constructor(
    private readonly owner: TwoInputOperator,
    private readonly broadcast: BroadcastStates | undefined,
  ) {
    super(owner);
  }

  override getCurrentKey(): unknown {
    if (this.writable && this.owner.context.keyedBackend !== null) {
      throw new IllegalOperatorUsage('processBroadcastElement() has no current key: use ctx.applyToKeyedState(descriptor, (key, state) => ...)');
    }
    return super.getCurrentKey();
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

  protected override keyedTimers(): InternalTimerService {
    const timers = super.keyedTimers();
    if (this.writable) throw new IllegalOperatorUsage('processBroadcastElement() cannot set timers: it has no current key');
    return timers;
  }
}
