/** Every kind of keyed state, used by a KeyedProcessFunction in a running job. */
import { describe, expect, it } from 'vitest';
import {
  AggregatingStateDescriptor,
  IllegalOperatorUsage,
  KeyedProcessFunction,
  ListStateDescriptor,
  MapStateDescriptor,
  ProcessFunction,
  ReducingStateDescriptor,
  StreamExecutionEnvironment,
  ValueStateDescriptor,
  type AggregatingState,
  type Collector,
  type KeyedProcessContext,
  type ListState,
  type MapState,
  type ReducingState,
  type RuntimeContext,
  type ValueState,
} from '@sage/core';
import { LocalCluster } from '../cluster/local-cluster.js';
import { CollectSink } from '../testing/collect-sink.js';

type Event = readonly [key: string, value: number];

/** Interleaved events of three keys, from one source so that each key's order is fixed. */
const EVENTS: Event[] = [
  ['a', 1], ['b', 10], ['a', 2], ['c', 7], ['b', 20], ['a', 3], ['c', -7], ['a', 4], ['b', 30],
];

/** A function under test: sees every event of its key and emits one output per event. */
abstract class PerEvent<OUT> extends KeyedProcessFunction<string, Event, [string, OUT]> {
  abstract onEvent(value: number): OUT;

  processElement(event: Event, ctx: KeyedProcessContext<string>, out: Collector<[string, OUT]>): void {
    out.collect([ctx.getCurrentKey(), this.onEvent(event[1])]);
  }
}

/** Runs `fn` on EVENTS keyed by their key (at parallelism 3 by default); returns its outputs by key, in order. */
async function runKeyed<OUT>(fn: PerEvent<OUT>, parallelism = 3): Promise<Record<string, OUT[]>> {
  const env = new StreamExecutionEnvironment({ parallelism });
  const sink = new CollectSink<[string, OUT]>();
  env.fromCollection(EVENTS).keyBy(([key]) => key).process(fn).sink(sink);
  const result = await new LocalCluster().execute(env.compile()).result;
  if (result.failure) throw result.failure;
  const byKey: Record<string, OUT[]> = {};
  for (const [key, out] of sink.values) (byKey[key] ??= []).push(out);
  return byKey;
}

describe('keyed state in a running job', () => {
  it('ValueState starts at its default for every key and clear() returns to it', async () => {
    class RunningSumResetAtZero extends PerEvent<number> {
      private sum!: ValueState<number>;
      override open(ctx: RuntimeContext) {
        this.sum = ctx.getState(new ValueStateDescriptor<number>('sum', 100));
      }
      onEvent(value: number): number {
        const sum = this.sum.value()! + value;
        if (sum === 100) this.sum.clear();
        else this.sum.update(sum);
        return sum;
      }
    }
    expect(await runKeyed(new RunningSumResetAtZero())).toEqual({
      a: [101, 103, 106, 110],
      b: [110, 130, 160],
      c: [107, 100],
    });
  });

  it('ValueState gives every key its own copy of a mutable default', async () => {
    class Tally extends PerEvent<number[]> {
      private seen!: ValueState<number[]>;
      override open(ctx: RuntimeContext) {
        this.seen = ctx.getState(new ValueStateDescriptor<number[]>('seen', []));
      }
      onEvent(value: number): number[] {
        const seen = this.seen.value()!;
        seen.push(value);
        this.seen.update(seen);
        return [...seen];
      }
    }
    // One subtask, so every key reads the default of the same state object.
    expect(await runKeyed(new Tally(), 1)).toEqual({
      a: [[1], [1, 2], [1, 2, 3], [1, 2, 3, 4]],
      b: [[10], [10, 20], [10, 20, 30]],
      c: [[7], [7, -7]],
    });
  });

  it('ListState keeps a list per key: add, get and update', async () => {
    class LastTwo extends PerEvent<number[]> {
      private seen!: ListState<number>;
      override open(ctx: RuntimeContext) {
        this.seen = ctx.getState(new ListStateDescriptor<number>('seen'));
      }
      onEvent(value: number): number[] {
        this.seen.add(value);
        if (this.seen.get().length > 2) this.seen.update(this.seen.get().slice(-2));
        return [...this.seen.get()];
      }
    }
    expect(await runKeyed(new LastTwo())).toEqual({
      a: [[1], [1, 2], [2, 3], [3, 4]],
      b: [[10], [10, 20], [20, 30]],
      c: [[7], [7, -7]],
    });
  });

  it('MapState with object keys compares keys by content, whatever their property order', async () => {
    class ParityCounts extends PerEvent<[{ parity: string; sign: string }, number][]> {
      private counts!: MapState<{ parity: string; sign: string }, number>;
      override open(ctx: RuntimeContext) {
        this.counts = ctx.getState(new MapStateDescriptor<{ parity: string; sign: string }, number>('by-parity'));
      }
      onEvent(value: number) {
        const parity = Math.abs(value) % 2 === 0 ? 'even' : 'odd';
        const sign = value < 0 ? '-' : '+';
        // Written with one property order, read with the other.
        const count = this.counts.get({ sign, parity }) ?? 0;
        this.counts.put({ parity, sign }, count + 1);
        expect(this.counts.contains({ sign, parity })).toBe(true);
        return [...this.counts.entries()];
      }
    }
    const result = await runKeyed(new ParityCounts());
    expect(result.a!.at(-1)).toEqual([
      [{ parity: 'odd', sign: '+' }, 2],
      [{ parity: 'even', sign: '+' }, 2],
    ]);
    expect(result.b!.at(-1)).toEqual([[{ parity: 'even', sign: '+' }, 3]]);
    expect(result.c!.at(-1)).toEqual([
      [{ parity: 'odd', sign: '+' }, 1],
      [{ parity: 'odd', sign: '-' }, 1],
    ]);
  });

  it('ReducingState folds every value of the key with its reduce function', async () => {
    class Max extends PerEvent<number> {
      private max!: ReducingState<number>;
      override open(ctx: RuntimeContext) {
        this.max = ctx.getState(new ReducingStateDescriptor<number>('max', (a, b) => Math.max(a, b)));
      }
      onEvent(value: number): number {
        this.max.add(value);
        return this.max.get()!;
      }
    }
    expect(await runKeyed(new Max())).toEqual({ a: [1, 2, 3, 4], b: [10, 20, 30], c: [7, 7] });
  });

  it('AggregatingState keeps an accumulator per key and reads the result from it', async () => {
    class Average extends PerEvent<number> {
      private average!: AggregatingState<number, number>;
      override open(ctx: RuntimeContext) {
        this.average = ctx.getState(
          new AggregatingStateDescriptor<number, { sum: number; count: number }, number>('average', {
            createAccumulator: () => ({ sum: 0, count: 0 }),
            add: (value, acc) => ({ sum: acc.sum + value, count: acc.count + 1 }),
            getResult: (acc) => acc.sum / acc.count,
          }),
        );
      }
      onEvent(value: number): number {
        this.average.add(value);
        return this.average.get()!;
      }
    }
    expect(await runKeyed(new Average())).toEqual({ a: [1, 1.5, 2, 2.5], b: [10, 15, 20], c: [7, 0] });
  });

  it('fails the job with IllegalOperatorUsage naming the operator when a non-keyed function asks for keyed state', async () => {
    class Deduplicate extends ProcessFunction<number, number> {
      private seen!: ValueState<boolean>;
      override open(ctx: RuntimeContext) {
        this.seen = ctx.getState(new ValueStateDescriptor<boolean>('seen'));
      }
      processElement(n: number, _ctx: unknown, out: Collector<number>) {
        if (!this.seen.value()) out.collect(n);
      }
    }
    const env = new StreamExecutionEnvironment();
    const sink = new CollectSink<number>();
    env.fromElements(1, 2).process(new Deduplicate()).name('Deduplicate').sink(sink);
    const result = await new LocalCluster().execute(env.compile()).result;

    expect(result.state).toBe('FAILED');
    const cause = result.failure!.cause as IllegalOperatorUsage;
    expect(cause).toBeInstanceOf(IllegalOperatorUsage);
    expect(cause.code).toBe('IllegalOperatorUsage');
    expect(cause.message).toMatch(/Operator 'Deduplicate' asked for keyed state 'seen', but its input is not keyed: call keyBy\(\.\.\.\) before it/);
    expect(sink.values).toEqual([]);
  });

  it('fails the job when one state name is asked for as two kinds of state', async () => {
    class Confused extends PerEvent<number> {
      override open(ctx: RuntimeContext) {
        ctx.getState(new ValueStateDescriptor<number>('total'));
        ctx.getState(new ListStateDescriptor<number>('total'));
      }
      onEvent(value: number) {
        return value;
      }
    }
    await expect(runKeyed(new Confused())).rejects.toMatchObject({
      cause: expect.objectContaining({ code: 'IllegalOperatorUsage', message: expect.stringMatching(/state 'total' as list state, but it is value state/) }),
    });
  });
});
