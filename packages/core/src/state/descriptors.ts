/**
 * State descriptors name a piece of keyed state and say its shape. A function asks for state with
 * `ctx.getState(descriptor)` in `open()`; the name is what snapshots and restores match on, so keep it
 * stable across versions of a job.
 */
import { IllegalOperatorUsage } from '../errors.js';
import { StateTtlConfig } from './state-ttl-config.js';

export type StateKind = 'value' | 'list' | 'map' | 'reducing' | 'aggregating';

abstract class StateDescriptorBase<K extends StateKind> {
  private ttlConfig: StateTtlConfig = StateTtlConfig.DISABLED;

  constructor(
    readonly kind: K,
    readonly name: string,
  ) {
    if (!name) throw new TypeError('A state descriptor needs a non-empty name');
  }

  /**
   * Expires the state's values (MapState: entries, ListState: elements) after the config's TTL of
   * processing time. Turning TTL on or off changes how the state is stored: a checkpoint taken with
   * one cannot be restored into the other under the same name.
   */
  enableTimeToLive(ttlConfig: StateTtlConfig): void {
    if (!(ttlConfig instanceof StateTtlConfig)) {
      throw new IllegalOperatorUsage(`State '${this.name}': enableTimeToLive takes a StateTtlConfig, built with StateTtlConfig.newBuilder(ttl).build()`);
    }
    this.ttlConfig = ttlConfig;
  }

  /** StateTtlConfig.DISABLED unless enableTimeToLive() was called. */
  getTtlConfig(): StateTtlConfig {
    return this.ttlConfig;
  }
}

export class ValueStateDescriptor<T> extends StateDescriptorBase<'value'> {
  declare readonly __type?: T;
  constructor(
    name: string,
    readonly defaultValue?: T,
  ) {
    super('value', name);
  }
}

export class ListStateDescriptor<T> extends StateDescriptorBase<'list'> {
  declare readonly __type?: T;
  constructor(name: string) {
    super('list', name);
  }
}

export class MapStateDescriptor<UK, UV> extends StateDescriptorBase<'map'> {
  declare readonly __type?: [UK, UV];
  constructor(name: string) {
    super('map', name);
  }
}

export class ReducingStateDescriptor<T> extends StateDescriptorBase<'reducing'> {
  constructor(
    name: string,
    readonly reduce: (accumulated: T, value: T) => T,
  ) {
    super('reducing', name);
  }
}

/** Folds inputs into an accumulator and reads a result from it, as Flink's AggregateFunction. */
export interface AggregateFunction<IN, ACC, OUT> {
  createAccumulator(): ACC;
  add(value: IN, accumulator: ACC): ACC;
  getResult(accumulator: ACC): OUT;
  merge?(a: ACC, b: ACC): ACC;
}

export class AggregatingStateDescriptor<IN, ACC, OUT> extends StateDescriptorBase<'aggregating'> {
  constructor(
    name: string,
    readonly aggregate: AggregateFunction<IN, ACC, OUT>,
  ) {
    super('aggregating', name);
  }
}

export type StateDescriptor =
  | ValueStateDescriptor<any>
  | ListStateDescriptor<any>
  | MapStateDescriptor<any, any>
  | ReducingStateDescriptor<any>
  | AggregatingStateDescriptor<any, any, any>;
