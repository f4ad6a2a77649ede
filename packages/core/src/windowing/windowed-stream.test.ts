/**
 * Keys, records, accumulators and windows flow through the window API's types: tsconfig.tests.json
 * type-checks this file, and every `@ts-expect-error` line must stay an error.
 */
import { describe, expect, it } from 'vitest';
import {
  CountTrigger,
  EventTimeSessionWindows,
  GlobalWindows,
  OutputTag,
  ProcessWindowFunction,
  SlidingEventTimeWindows,
  StreamExecutionEnvironment,
  TumblingEventTimeWindows,
  type AggregateFunction,
  type Collector,
  type GlobalWindow,
  type ProcessWindowContext,
  type SingleOutputStream,
  type TimeWindow,
} from '../index.js';

interface Click {
  readonly user: string;
  readonly ts: number;
}

class CountPerUser extends ProcessWindowFunction<Click, string, string, TimeWindow> {
  process(user: string, ctx: ProcessWindowContext<TimeWindow>, clicks: readonly Click[], out: Collector<string>): void {
    out.collect(`${user} ${ctx.window.start} ${clicks.length}`);
  }
}

const average: AggregateFunction<Click, [number, number], number> = {
  createAccumulator: () => [0, 0],
  add: (c, [n, sum]) => [n + 1, sum + c.ts],
  getResult: ([n, sum]) => sum / n,
  merge: (a, b) => [a[0] + b[0], a[1] + b[1]],
};

function clicks() {
  const env = new StreamExecutionEnvironment({ parallelism: 2 });
  return { env, stream: env.fromElements<Click>({ user: 'a', ts: 1 }) };
}

describe('window API types', () => {
  it('accept well-typed window functions and plan them', () => {
    const { env, stream } = clicks();
    const keyed = stream.keyBy((c) => c.user);
    const counted: SingleOutputStream<string> = keyed.window(TumblingEventTimeWindows.of(1000)).process(new CountPerUser());
    const averaged: SingleOutputStream<number> = keyed.window(SlidingEventTimeWindows.of(1000, 100)).aggregate(average);
    const labelled: SingleOutputStream<string> = keyed
      .window(EventTimeSessionWindows.withGap(100))
      .aggregate(average, (user: string, ctx, avgs: readonly number[], out: Collector<string>) => out.collect(`${user}@${ctx.window.end}: ${avgs[0]}`));
    const reduced: SingleOutputStream<Click> = keyed.countWindow(10).reduce((a, b) => (a.ts > b.ts ? a : b));
    const all: SingleOutputStream<number> = stream.windowAll(TumblingEventTimeWindows.of(1000)).process((ctx, cs: readonly Click[], out: Collector<number>) => out.collect(cs.length + ctx.window.start));
    for (const s of [counted, averaged, labelled, reduced, all]) s.sink({ name: 'x', createWriter: () => ({ write() {}, async flush() {}, async close() {} }) as never });
    expect(env.compile().vertices.length).toBeGreaterThan(1);
  });

  it('reject what does not fit, at compile time', () => {
    const { stream } = clicks();
    const keyed = stream.keyBy((c) => c.user);
    const windowed = keyed.window(TumblingEventTimeWindows.of(1000));
    // @ts-expect-error the key is a string, not a number
    windowed.process((key: number, _ctx, _cs: readonly Click[], _out: Collector<string>) => void key);
    // @ts-expect-error the records are Clicks
    windowed.process((_k: string, _ctx, cs: readonly number[], out: Collector<number>) => out.collect(cs[0]!));
    // @ts-expect-error a ProcessWindowFunction for other records
    windowed.process(new (class extends ProcessWindowFunction<number, string, string, TimeWindow> {
      process(): void {}
    })());
    // @ts-expect-error count windows are GlobalWindows, not TimeWindows
    keyed.countWindow(5).process(new CountPerUser());
    // @ts-expect-error the window function after aggregate() sees the aggregate's result (number), not Clicks
    windowed.aggregate(average, (_k: string, _ctx, cs: readonly Click[], _out: Collector<string>) => void cs);
    // @ts-expect-error reduce() combines two records of the stream's type
    windowed.reduce((a: Click, b: number) => a);
    // @ts-expect-error late data keeps the stream's type
    windowed.sideOutputLateData(new OutputTag<number>('late'));
    // @ts-expect-error an AggregateFunction over other records
    windowed.aggregate({ createAccumulator: () => 0, add: (n: number, acc: number) => acc + n, getResult: (acc: number) => acc });
    // @ts-expect-error windowAll functions take no key
    stream.windowAll(TumblingEventTimeWindows.of(1000)).process((_key: string, _ctx: ProcessWindowContext<TimeWindow>, _cs: readonly Click[], _out: Collector<string>) => {});
    // @ts-expect-error join keys must have one type
    stream.join(stream).where((c) => c.user).equalTo((c) => c.ts);
    const joined = stream.join(stream).where((c) => c.user).equalTo((c) => c.user).window(TumblingEventTimeWindows.of(10));
    const pairs: SingleOutputStream<number> = joined.apply((a, b) => a.ts - b.ts);
    // @ts-expect-error a join pairs records; lists are for coGroup
    joined.apply((as: readonly Click[], bs: readonly Click[], out: Collector<number>) => out.collect(as.length + bs.length));
    const groups = stream.coGroup(stream).where((c) => c.user).equalTo((c) => c.user).window(TumblingEventTimeWindows.of(10));
    groups.apply((as, bs, out: Collector<number>) => out.collect(as.length - bs.length));
    // @ts-expect-error a coGroup gets lists
    groups.apply((a: Click, b: Click) => a.ts - b.ts);
    void pairs;
    const global: ProcessWindowContext<GlobalWindow> | undefined = undefined;
    // @ts-expect-error a GlobalWindow has no start
    void global?.window.start;
    keyed.window(GlobalWindows.create()).trigger(CountTrigger.of(3));
    expect(true).toBe(true);
  });

  it('refuse bad settings with a message that says what to do', () => {
    const { stream } = clicks();
    const keyed = stream.keyBy((c) => c.user);
    expect(() => TumblingEventTimeWindows.of(0)).toThrow(/positive integer of milliseconds/);
    expect(() => SlidingEventTimeWindows.of(1000, 100, 200)).toThrow(/offset/);
    expect(() => EventTimeSessionWindows.withGap(-1)).toThrow(/session gap/i);
    expect(() => keyed.window(TumblingEventTimeWindows.of(10)).allowedLateness(-5)).toThrow(/allowedLateness/);
    const { merge: _m, ...noMerge } = average;
    expect(() => keyed.window(EventTimeSessionWindows.withGap(10)).aggregate(noMerge)).toThrow(/merge/);
    expect(() => stream.windowAll(TumblingEventTimeWindows.of(10)).reduce((a) => a).setParallelism(2)).toThrow(/one subtask/);
  });
});

describe('window plans', () => {
  function plan(size: number, fn: (a: Click, b: Click) => Click) {
    const env = new StreamExecutionEnvironment({ parallelism: 2 });
    env
      .fromElements<Click>({ user: 'a', ts: 1 })
      .keyBy((c) => c.user)
      .window(TumblingEventTimeWindows.of(size))
      .reduce(fn)
      .sink({ name: 'x', createWriter: () => ({ write() {}, async flush() {}, async close() {} }) as never });
    return env.compile().fingerprint;
  }

  it('change their fingerprint with the window function and the window size', () => {
    const latest = (a: Click, b: Click) => (a.ts > b.ts ? a : b);
    const earliest = (a: Click, b: Click) => (a.ts < b.ts ? a : b);
    expect(plan(1000, latest)).toBe(plan(1000, latest));
    expect(plan(1000, latest)).not.toBe(plan(1000, earliest));
    expect(plan(1000, latest)).not.toBe(plan(2000, latest));
  });
});
