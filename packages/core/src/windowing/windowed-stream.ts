/**
 * WindowedStream and AllWindowedStream: `keyBy(...).window(assigner)` and `windowAll(assigner)`, then
 * optional trigger / evictor / lateness settings, then the function that turns a window into output.
 */
import type { SingleOutputStream } from '../api/data-stream.js';
import type { ReduceFn } from '../functions/functions.js';
import type { OutputTag } from '../functions/output-tag.js';
import type { AggregateFunction } from '../state/descriptors.js';
import type { WindowAssigner } from './assigners.js';
import type { Evictor } from './evictors.js';
import type { Trigger } from './triggers.js';
import type { ProcessAllWindowFn, ProcessWindowFn } from './window-functions.js';
import type { WindowFunctionSpec, WindowOperatorSpec } from './window-spec.js';
import type { Window } from './windows.js';

/** What a windowed stream needs of the stream it windows: a way to add the window operator. */
export interface WindowOperatorHost {
  /** @internal */
  addWindowOperator<R>(name: string, spec: WindowOperatorSpec, nonParallel: boolean): SingleOutputStream<R>;
}

abstract class WindowedStreamBase<T, W extends Window> {
  protected triggerOf: Trigger<unknown, Window> | undefined = undefined;
  protected evictorOf: Evictor<unknown, Window> | undefined = undefined;
  protected lateness = 0;
  protected lateTag: string | undefined = undefined;

  protected constructor(
    protected readonly host: WindowOperatorHost,
    protected readonly assigner: WindowAssigner<T, W>,
    private readonly allWindows: boolean,
  ) {
    if (!assigner || typeof assigner.assignWindows !== 'function') {
      throw new TypeError('window() takes a WindowAssigner, such as TumblingEventTimeWindows.of(minutes(1))');
    }
  }

  /** Replaces the assigner's default trigger. */
  trigger(trigger: Trigger<T, W>): this {
    if (!trigger || typeof trigger.onElement !== 'function') throw new TypeError('trigger() takes a Trigger, such as CountTrigger.of(100)');
    if (this.assigner.isMerging() && !trigger.canMerge()) {
      throw new TypeError(`${trigger.constructor.name} cannot be used with session windows: its canMerge() returns false`);
    }
    this.triggerOf = trigger as unknown as Trigger<unknown, Window>;
    return this;
  }

  /** Removes records before or after the window function runs; the window then keeps all its records. */
  evictor(evictor: Evictor<T, W>): this {
    if (!evictor || typeof evictor.evictBefore !== 'function') throw new TypeError('evictor() takes an Evictor, such as CountEvictor.of(10)');
    this.evictorOf = evictor as unknown as Evictor<unknown, Window>;
    return this;
  }

  /**
   * Keeps event-time windows `ms` past their end: a record that arrives that late fires its window
   * again with everything it holds. Later records are dropped, or sent to `sideOutputLateData(tag)`.
   */
  allowedLateness(ms: number): this {
    if (!Number.isInteger(ms) || ms < 0) throw new RangeError(`allowedLateness() takes a number of milliseconds >= 0, got ${String(ms)}`);
    if (ms > 0 && !this.assigner.isEventTime()) throw new TypeError('allowedLateness() applies to event-time windows only');
    this.lateness = ms;
    return this;
  }

  /** Records too late for their windows go to this side output: `result.getSideOutput(tag)`. */
  sideOutputLateData(tag: OutputTag<T>): this {
    if (!tag || typeof tag.id !== 'string') throw new TypeError('sideOutputLateData() takes an OutputTag');
    this.lateTag = tag.id;
    return this;
  }

  protected build<R>(name: string, fn: WindowFunctionSpec): SingleOutputStream<R> {
    const spec: WindowOperatorSpec = {
      assigner: this.assigner as unknown as WindowAssigner<unknown, Window>,
      trigger: this.triggerOf,
      evictor: this.evictorOf,
      allowedLateness: this.lateness,
      lateDataTag: this.lateTag,
      function: fn,
      allWindows: this.allWindows,
    };
    return this.host.addWindowOperator<R>(`${this.allWindows ? 'WindowAll' : 'Window'}(${this.assigner.constructor.name}, ${name})`, spec, this.allWindows);
  }

  protected reduceSpec(fn: unknown, windowFn: unknown): WindowFunctionSpec {
    return { kind: 'reduce', reduce: requireFn(fn, 'reduce', 'reduce()'), window: optionalWindowFn(windowFn) };
  }

  protected aggregateSpec(fn: AggregateFunction<any, any, any>, windowFn: unknown): WindowFunctionSpec {
    if (!fn || typeof fn.add !== 'function' || typeof fn.createAccumulator !== 'function' || typeof fn.getResult !== 'function') {
      throw new TypeError('aggregate() takes an AggregateFunction: an object with createAccumulator(), add(value, acc), getResult(acc) and merge(a, b)');
    }
    if (this.assigner.isMerging() && typeof fn.merge !== 'function') {
      throw new TypeError('aggregate() on session windows needs an AggregateFunction with merge(a, b): sessions merge their accumulators');
    }
    return { kind: 'aggregate', aggregate: fn, window: optionalWindowFn(windowFn) };
  }
}

export class WindowedStream<T, K, W extends Window> extends WindowedStreamBase<T, W> {
  declare readonly __key?: K;

  /** @internal Use keyBy(...).window(assigner). */
  constructor(host: WindowOperatorHost, assigner: WindowAssigner<T, W>) {
    super(host, assigner, false);
  }

  /** Reduces each window incrementally; `windowFn` then sees the one result with the key and window. */
  reduce(fn: ReduceFn<T>): SingleOutputStream<T>;
  reduce<R>(fn: ReduceFn<T>, windowFn: ProcessWindowFn<T, R, K, W>): SingleOutputStream<R>;
  reduce<R>(fn: ReduceFn<T>, windowFn?: ProcessWindowFn<T, R, K, W>): SingleOutputStream<R> {
    return this.build('Reduce', this.reduceSpec(fn, windowFn));
  }

  /** Aggregates each window incrementally; sliding windows combine per-pane accumulators with `merge`. */
  aggregate<ACC, V>(fn: AggregateFunction<T, ACC, V>): SingleOutputStream<V>;
  aggregate<ACC, V, R>(fn: AggregateFunction<T, ACC, V>, windowFn: ProcessWindowFn<V, R, K, W>): SingleOutputStream<R>;
  aggregate<ACC, V, R>(fn: AggregateFunction<T, ACC, V>, windowFn?: ProcessWindowFn<V, R, K, W>): SingleOutputStream<R> {
    return this.build('Aggregate', this.aggregateSpec(fn, windowFn));
  }

  /** Calls `fn` with all records of the window when it fires. */
  process<R>(fn: ProcessWindowFn<T, R, K, W>): SingleOutputStream<R> {
    return this.build('Process', { kind: 'process', window: requireFn(fn, 'process', 'process()') });
  }
}

/** windowAll(): one window operator with parallelism 1 sees every record (as Flink). */
export class AllWindowedStream<T, W extends Window> extends WindowedStreamBase<T, W> {
  /** @internal Use windowAll(assigner). */
  constructor(host: WindowOperatorHost, assigner: WindowAssigner<T, W>) {
    super(host, assigner, true);
  }

  reduce(fn: ReduceFn<T>): SingleOutputStream<T>;
  reduce<R>(fn: ReduceFn<T>, windowFn: ProcessAllWindowFn<T, R, W>): SingleOutputStream<R>;
  reduce<R>(fn: ReduceFn<T>, windowFn?: ProcessAllWindowFn<T, R, W>): SingleOutputStream<R> {
    return this.build('Reduce', this.reduceSpec(fn, windowFn));
  }

  aggregate<ACC, V>(fn: AggregateFunction<T, ACC, V>): SingleOutputStream<V>;
  aggregate<ACC, V, R>(fn: AggregateFunction<T, ACC, V>, windowFn: ProcessAllWindowFn<V, R, W>): SingleOutputStream<R>;
  aggregate<ACC, V, R>(fn: AggregateFunction<T, ACC, V>, windowFn?: ProcessAllWindowFn<V, R, W>): SingleOutputStream<R> {
    return this.build('Aggregate', this.aggregateSpec(fn, windowFn));
  }

  process<R>(fn: ProcessAllWindowFn<T, R, W>): SingleOutputStream<R> {
    return this.build('Process', { kind: 'process', window: requireFn(fn, 'process', 'process()') });
  }
}

function requireFn(fn: unknown, method: string, call: string): unknown {
  if (typeof fn === 'function') return fn;
  if (fn && typeof fn === 'object' && typeof (fn as Record<string, unknown>)[method] === 'function') return fn;
  throw new TypeError(`${call} takes a function or an object with a ${method}() method`);
}

function optionalWindowFn(fn: unknown): unknown {
  return fn === undefined ? undefined : requireFn(fn, 'process', 'The window function');
}
