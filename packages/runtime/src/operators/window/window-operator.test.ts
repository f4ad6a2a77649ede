import { describe, expect, it } from 'vitest';
import {
  CollectionSource,
  ContinuousEventTimeTrigger,
  CountEvictor,
  CountTrigger,
  EventTimeTrigger,
  EventTimeSessionWindows,
  GlobalWindows,
  OutputTag,
  ProcessWindowFunction,
  SlidingEventTimeWindows,
  StreamExecutionEnvironment,
  TimeEvictor,
  TumblingEventTimeWindows,
  TumblingProcessingTimeWindows,
  SlidingProcessingTimeWindows,
  ProcessingTimeSessionWindows,
  WindowAssigner,
  ValueStateDescriptor,
  WatermarkStrategy,
  type AggregateFunction,
  type Collector,
  type DataStream,
  type ProcessWindowContext,
  type Source,
  TimeWindow,
} from '@sage/core';
import { LocalCluster } from '../../cluster/local-cluster.js';
import { CollectSink } from '../../testing/collect-sink.js';

interface Event {
  readonly k: string;
  readonly ts: number;
  readonly v: number;
}

/** Seeded events, `perMs` apart on average, out of order by up to `disorder` ms. */
function events(count: number, keys: number, step: number, disorder: number, seed = 7): Event[] {
  let state = seed;
  const next = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32;
  return Array.from({ length: count }, (_, i) => ({
    k: `k${Math.floor(next() * keys)}`,
    ts: Math.max(0, i * step - Math.floor(next() * disorder)),
    v: Math.floor(next() * 100),
  }));
}

/**
 * Event time that follows the records exactly: the watermark (max timestamp - bound - 1) is emitted
 * with each record that raises it, so which records are late does not depend on timing.
 */
function punctuated(bound: number): WatermarkStrategy<Event> {
  return WatermarkStrategy.forGenerator<Event>(() => {
    let max = Number.NEGATIVE_INFINITY;
    return {
      onEvent(_e, ts, out) {
        if (ts > max) {
          max = ts;
          out.emitWatermark(max - bound - 1);
        }
      },
      onPeriodicEmit() {},
    };
  }).withTimestampAssigner((e) => e.ts);
}

function source(env: StreamExecutionEnvironment, input: readonly Event[], bound: number): DataStream<Event> {
  return env.fromSource(new CollectionSource(input), punctuated(bound));
}

/** Runs the job and returns what the sink got, each record suffixed with `@timestamp`. */
async function run<T>(env: StreamExecutionEnvironment, stream: DataStream<T>, sideTag?: OutputTag<Event>): Promise<{ main: string[]; side: string[] }> {
  const sink = new CollectSink<string>();
  const sideSink = new CollectSink<string>();
  const stamped = stream.process((value: T, ctx, out: Collector<string>) => out.collect(`${String(value)}@${ctx.timestamp()}`));
  stamped.sink(sink);
  if (sideTag !== undefined) {
    (stream as unknown as { getSideOutput(tag: OutputTag<Event>): DataStream<Event> }).getSideOutput(sideTag).map((e: Event) => `${e.k}:${e.ts}`).sink(sideSink);
  }
  const result = await new LocalCluster({ batchSize: 16 }).execute(env.compile()).result;
  expect(result.failure).toBeUndefined();
  return { main: sink.values.sort(), side: sideSink.values.sort() };
}

/** Brute force: every window [start, end) of the assigner that holds `ts`. */
function slidingWindows(ts: number, size: number, slide: number): [number, number][] {
  const windows: [number, number][] = [];
  for (let start = Math.floor(ts / slide) * slide; start > ts - size; start -= slide) windows.push([start, start + size]);
  return windows;
}

function groupBy<V>(input: readonly Event[], windowsOf: (e: Event) => [number, number][], fold: (acc: V | undefined, e: Event) => V): Map<string, V> {
  const groups = new Map<string, V>();
  for (const e of input) {
    for (const [start, end] of windowsOf(e)) {
      const id = `${e.k}|${start}|${end}`;
      groups.set(id, fold(groups.get(id), e));
    }
  }
  return groups;
}

function expected<V>(groups: Map<string, V>, show: (v: V) => string): string[] {
  return [...groups].map(([id, v]) => `${id}|${show(v)}@${Number(id.split('|')[2]) - 1}`).sort();
}

/** Brute-force sessions: per key, sorted timestamps split where a record starts after the session's end. */
function sessions(input: readonly Event[], gap: number): Map<string, number[]> {
  const byKey = new Map<string, Event[]>();
  for (const e of input) byKey.set(e.k, [...(byKey.get(e.k) ?? []), e]);
  const out = new Map<string, number[]>();
  for (const [k, list] of byKey) {
    list.sort((a, b) => a.ts - b.ts);
    let start = list[0]!.ts;
    let end = start + gap;
    let values: number[] = [];
    for (const e of list) {
      if (e.ts > end) {
        out.set(`${k}|${start}|${end}`, values);
        start = e.ts;
        end = e.ts + gap;
        values = [];
      } else if (e.ts + gap > end) {
        end = e.ts + gap;
      }
      values.push(e.v);
    }
    out.set(`${k}|${start}|${end}`, values);
  }
  return out;
}

class Describe<IN> extends ProcessWindowFunction<IN, string, string, TimeWindow> {
  constructor(private readonly show: (elements: readonly IN[]) => string) {
    super();
  }
  process(key: string, ctx: ProcessWindowContext<TimeWindow>, elements: readonly IN[], out: Collector<string>): void {
    out.collect(`${key}|${ctx.window.start}|${ctx.window.end}|${this.show(elements)}`);
  }
}

/** Count and sum, mergeable: sliding windows merge one accumulator per slice. */
const countAndSum: AggregateFunction<Event, [number, number], string> = {
  createAccumulator: () => [0, 0],
  add: (e, acc) => [acc[0] + 1, acc[1] + e.v],
  getResult: (acc) => `${acc[0]}/${acc[1]}`,
  merge: (a, b) => [a[0] + b[0], a[1] + b[1]],
};

const sorted = (values: readonly number[]) => [...values].sort((a, b) => a - b).join(',');

describe.each([1, 3])('windows at parallelism %i', (parallelism) => {
  const input = events(6_000, 17, 7, 3_000);
  const bound = 3_000; // the disorder: no record is late

  it('tumbling windows reduce each key and window to its exact sum, stamped with the window end - 1', async () => {
    const env = new StreamExecutionEnvironment({ parallelism });
    const result = source(env, input, bound)
      .keyBy((e) => e.k)
      .window(TumblingEventTimeWindows.of(5_000, 1_000))
      .reduce((a: Event, b: Event) => ({ k: a.k, ts: a.ts, v: a.v + b.v }), new Describe<Event>((es) => String(es[0]!.v)));
    const { main } = await run(env, result);
    const start = (ts: number) => Math.floor((ts - 1_000) / 5_000) * 5_000 + 1_000;
    const groups = groupBy<number>(input, (e) => [[start(e.ts), start(e.ts) + 5_000]], (acc, e) => (acc ?? 0) + e.v);
    expect(main).toEqual(expected(groups, String));
  });

  it('sliding windows aggregate per slice and merge slices into each window', async () => {
    const env = new StreamExecutionEnvironment({ parallelism });
    const result = source(env, input, bound)
      .keyBy((e) => e.k)
      .window(SlidingEventTimeWindows.of(10_000, 4_000))
      .aggregate(countAndSum, new Describe<string>((r) => r[0]!));
    const { main } = await run(env, result);
    const groups = groupBy<[number, number]>(input, (e) => slidingWindows(e.ts, 10_000, 4_000), (acc, e) => [(acc?.[0] ?? 0) + 1, (acc?.[1] ?? 0) + e.v]);
    expect(main).toEqual(expected(groups, (v) => `${v[0]}/${v[1]}`));
  });

  it('sliding windows without merge() keep records per slice and aggregate when they fire', async () => {
    const env = new StreamExecutionEnvironment({ parallelism });
    const { merge: _merge, ...withoutMerge } = countAndSum;
    const result = source(env, input, bound)
      .keyBy((e) => e.k)
      .window(SlidingEventTimeWindows.of(9_000, 3_000))
      .aggregate(withoutMerge, new Describe<string>((r) => r[0]!));
    const { main } = await run(env, result);
    const groups = groupBy<[number, number]>(input, (e) => slidingWindows(e.ts, 9_000, 3_000), (acc, e) => [(acc?.[0] ?? 0) + 1, (acc?.[1] ?? 0) + e.v]);
    expect(main).toEqual(expected(groups, (v) => `${v[0]}/${v[1]}`));
  });

  it('sliding process() windows see every record of the window once', async () => {
    const env = new StreamExecutionEnvironment({ parallelism });
    const result = source(env, input, bound)
      .keyBy((e) => e.k)
      .window(SlidingEventTimeWindows.of(6_000, 2_000))
      .process(new Describe<Event>((es) => sorted(es.map((e) => e.v))));
    const { main } = await run(env, result);
    const groups = groupBy<number[]>(input, (e) => slidingWindows(e.ts, 6_000, 2_000), (acc, e) => [...(acc ?? []), e.v]);
    expect(main).toEqual(expected(groups, sorted));
  });

  it('session windows merge overlapping sessions of a key', async () => {
    // Sparse keys: sessions open, grow, bridge and close.
    const sparse = events(3_000, 40, 13, 3_000, 11);
    const env = new StreamExecutionEnvironment({ parallelism });
    const result = source(env, sparse, bound)
      .keyBy((e) => e.k)
      .window(EventTimeSessionWindows.withGap(400))
      .process(new Describe<Event>((es) => sorted(es.map((e) => e.v))));
    const { main } = await run(env, result);
    const want = [...sessions(sparse, 400)].map(([id, values]) => `${id}|${sorted(values)}@${Number(id.split('|')[2]) - 1}`).sort();
    expect(main).toEqual(want);
    expect(new Set(want.map((w) => w.split('|')[0])).size).toBeGreaterThan(10);
    expect(want.length).toBeGreaterThan(200);
  });

  it('session windows with a dynamic gap reduce incrementally', async () => {
    const sparse = events(2_000, 30, 13, 2_000, 5);
    const env = new StreamExecutionEnvironment({ parallelism });
    const result = source(env, sparse, 2_000)
      .keyBy((e) => e.k)
      .window(EventTimeSessionWindows.withDynamicGap((e: Event) => (e.k < 'k15' ? 300 : 700)))
      .reduce((a: Event, b: Event) => ({ k: a.k, ts: a.ts, v: a.v + b.v }), new Describe<Event>((es) => String(es[0]!.v)));
    const { main } = await run(env, result);
    const want = [
      ...sessions(sparse.filter((e) => e.k < 'k15'), 300),
      ...sessions(sparse.filter((e) => e.k >= 'k15'), 700),
    ].map(([id, values]) => `${id}|${values.reduce((a, b) => a + b, 0)}@${Number(id.split('|')[2]) - 1}`);
    expect(main).toEqual(want.sort());
  });

  it('count windows fire every n records of a key, and sliding count windows keep the last n', async () => {
    const env = new StreamExecutionEnvironment({ parallelism });
    const keyed = source(env, input, bound).keyBy((e) => e.k);
    const tumbling = keyed.countWindow(5).reduce((a: Event, b: Event) => ({ k: a.k, ts: a.ts, v: a.v + b.v })).map((e: Event) => `t|${e.k}|${e.v}`);
    const sliding = keyed
      .countWindow(4, 2)
      .process((key: string, _ctx, es: readonly Event[], out: Collector<string>) => out.collect(`s|${key}|${es.map((e) => e.v).join(',')}`));
    const { main } = await run(env, tumbling.union(sliding));
    const want: string[] = [];
    const byKey = new Map<string, number[]>();
    for (const e of input) byKey.set(e.k, [...(byKey.get(e.k) ?? []), e.v]);
    for (const [k, values] of byKey) {
      for (let i = 5; i <= values.length; i += 5) want.push(`t|${k}|${values.slice(i - 5, i).reduce((a, b) => a + b, 0)}@${Number.MAX_SAFE_INTEGER}`);
      for (let i = 2; i <= values.length; i += 2) want.push(`s|${k}|${values.slice(Math.max(0, i - 4), i).join(',')}@${Number.MAX_SAFE_INTEGER}`);
    }
    expect(main).toEqual(want.sort());
  });

  it('windowAll windows the whole stream in one subtask', async () => {
    const env = new StreamExecutionEnvironment({ parallelism });
    const result = source(env, input, bound)
      .rebalance()
      .map((e: Event) => e)
      .windowAll(TumblingEventTimeWindows.of(3_000))
      .aggregate(countAndSum, (ctx, results: readonly string[], out: Collector<string>) => out.collect(`all|${ctx.window.start}|${ctx.window.end}|${results[0]}`));
    const { main } = await run(env, result);
    const groups = new Map<string, [number, number]>();
    for (const e of input) {
      const start = Math.floor(e.ts / 3_000) * 3_000;
      const id = `all|${start}|${start + 3_000}`;
      const acc = groups.get(id) ?? [0, 0];
      groups.set(id, [acc[0] + 1, acc[1] + e.v]);
    }
    expect(main).toEqual(expected(groups, (v) => `${v[0]}/${v[1]}`));
  });

  it('a window join emits every pair of equal keys in the same window (nested loop answer)', async () => {
    const left = events(1_500, 9, 11, 1_000, 3);
    const right = events(1_200, 9, 13, 1_000, 4);
    const env = new StreamExecutionEnvironment({ parallelism });
    const result = source(env, left, 1_000)
      .join(source(env, right, 1_000))
      .where((l) => l.k)
      .equalTo((r) => r.k)
      .window(TumblingEventTimeWindows.of(2_000))
      .apply((l: Event, r: Event) => `${l.k}|${l.ts}|${r.ts}|${l.v * r.v}`);
    const { main } = await run(env, result);
    const want: string[] = [];
    for (const l of left) {
      for (const r of right) {
        const window = Math.floor(l.ts / 2_000);
        if (l.k === r.k && window === Math.floor(r.ts / 2_000)) want.push(`${l.k}|${l.ts}|${r.ts}|${l.v * r.v}@${window * 2_000 + 1_999}`);
      }
    }
    expect(main).toEqual(want.sort());
    expect(want.length).toBeGreaterThan(1_000);
  });

  it('a window coGroup gets both sides of a key and window', async () => {
    const left = events(800, 7, 11, 500, 8);
    const right = events(700, 7, 13, 500, 9);
    const env = new StreamExecutionEnvironment({ parallelism });
    const result = source(env, left, 500)
      .coGroup(source(env, right, 500))
      .where((l) => l.k)
      .equalTo((r) => r.k)
      .window(TumblingEventTimeWindows.of(3_000))
      .apply((ls: readonly Event[], rs: readonly Event[], out: Collector<string>) => out.collect(`${ls.length}/${rs.length}`));
    const { main } = await run(env, result);
    const counts = new Map<string, [number, number]>();
    for (const [side, list] of [left, right].entries()) {
      for (const e of list) {
        const id = `${e.k}|${Math.floor(e.ts / 3_000)}`;
        const c = counts.get(id) ?? [0, 0];
        c[side]++;
        counts.set(id, c);
      }
    }
    expect(main).toEqual([...counts].map(([id, c]) => `${c[0]}/${c[1]}@${Number(id.split('|')[1]) * 3_000 + 2_999}`).sort());
  });
});

describe('late records', () => {
  const at = (k: string, ts: number, v = 1): Event => ({ k, ts, v });
  // Watermark = highest timestamp - 1 (bound 0).
  const input = [at('a', 1_000), at('a', 2_000), at('a', 11_000), at('a', 3_000), at('a', 16_000), at('a', 4_000), at('b', 500)];

  it.each(['tumbling', 'sliding'])('re-fire %s windows within the allowed lateness and go to the side output after', async (kind) => {
    const env = new StreamExecutionEnvironment({ parallelism: 1 });
    const late = new OutputTag<Event>('late');
    const assigner = kind === 'tumbling' ? TumblingEventTimeWindows.of(10_000) : SlidingEventTimeWindows.of(10_000, 10_000);
    const result = source(env, input, 0)
      .keyBy((e) => e.k)
      .window(assigner)
      .allowedLateness(5_000)
      .sideOutputLateData(late)
      .aggregate(countAndSum, new Describe<string>((r) => r[0]!));
    const { main, side } = await run(env, result, late);
    expect(main).toEqual(['a|0|10000|2/2@9999', 'a|0|10000|3/3@9999', 'a|10000|20000|2/2@19999'].sort());
    // 4000 comes after the watermark passed 14999 (the window's end + lateness); b's 500 too.
    expect(side).toEqual(['a:4000', 'b:500']);
  });

  it.each(['slicing', 'general'])('keep per-window state across late firings until clear() (%s operator)', async (operator) => {
    const env = new StreamExecutionEnvironment({ parallelism: 1 });
    const fires = new ValueStateDescriptor<number>('fires', 0);
    const cleared = new ValueStateDescriptor<number>('cleared', 0);
    class Firings extends ProcessWindowFunction<Event, string, string, TimeWindow> {
      process(key: string, ctx: ProcessWindowContext<TimeWindow>, es: readonly Event[], out: Collector<string>): void {
        const perWindow = ctx.windowState().getState(fires);
        perWindow.update(perWindow.value()! + 1);
        out.collect(`${key}|${ctx.window.start}|${es.length}|fires=${perWindow.value()}|cleared=${ctx.globalState().getState(cleared).value()}`);
      }
      override clear(ctx: ProcessWindowContext<TimeWindow>): void {
        ctx.windowState().getState(fires).clear();
        const count = ctx.globalState().getState(cleared);
        count.update(count.value()! + 1);
      }
    }
    const windowed = source(env, input, 0)
      .keyBy((e) => e.k)
      .window(TumblingEventTimeWindows.of(10_000))
      .allowedLateness(5_000);
    // An explicit trigger takes the general operator; the default one the slicing operator.
    if (operator === 'general') windowed.trigger(EventTimeTrigger.create());
    const { main } = await run(env, windowed.process(new Firings()));
    expect(main).toEqual(['a|0|2|fires=1|cleared=0@9999', 'a|0|3|fires=2|cleared=0@9999', 'a|10000|2|fires=1|cleared=1@19999'].sort());
  });

  it('re-fire session windows within the allowed lateness', async () => {
    const env = new StreamExecutionEnvironment({ parallelism: 1 });
    const late = new OutputTag<Event>('late');
    const data = [at('a', 1_000), at('a', 1_500), at('a', 5_000), at('a', 1_800), at('a', 7_000), at('a', 1_900), at('a', 4_000)];
    const result = source(env, data, 0)
      .keyBy((e) => e.k)
      .window(EventTimeSessionWindows.withGap(1_000))
      .allowedLateness(3_000)
      .sideOutputLateData(late)
      .aggregate(countAndSum, new Describe<string>((r) => r[0]!));
    const { main, side } = await run(env, result, late);
    // [1000, 2500) fires at watermark 4999 with 2 records, and 1800 extends it and fires it again;
    // 1900 comes after the watermark passed 2799 + 3000: late. 4000 opens [4000, 5000), which
    // merges with [5000, 6000), fired already but within its lateness: the merged window fires.
    expect(main).toEqual(['a|1000|2500|2/2@2499', 'a|1000|2800|3/3@2799', 'a|5000|6000|1/1@5999', 'a|4000|6000|2/2@5999', 'a|7000|8000|1/1@7999'].sort());
    expect(side).toEqual(['a:1900']);
  });

  it('are dropped and counted without a side output', async () => {
    const env = new StreamExecutionEnvironment({ parallelism: 1 });
    const result = source(env, input, 0)
      .keyBy((e) => e.k)
      .window(TumblingEventTimeWindows.of(10_000))
      .aggregate(countAndSum, new Describe<string>((r) => r[0]!));
    const { main } = await run(env, result);
    expect(main).toEqual(['a|0|10000|2/2@9999', 'a|10000|20000|2/2@19999'].sort());
  });
});

describe('triggers and evictors', () => {
  const at = (k: string, ts: number, v: number): Event => ({ k, ts, v });
  const input = [at('a', 100, 1), at('a', 200, 2), at('b', 250, 7), at('a', 300, 3), at('a', 400, 4), at('a', 500, 5), at('a', 1_200, 6)];

  it('a count trigger fires event-time windows early without purging', async () => {
    const env = new StreamExecutionEnvironment({ parallelism: 1 });
    const result = source(env, input, 10_000)
      .keyBy((e) => e.k)
      .window(TumblingEventTimeWindows.of(1_000))
      .trigger(CountTrigger.of(2))
      .process(new Describe<Event>((es) => es.map((e) => e.v).join(',')));
    const { main } = await run(env, result);
    // Fires at the 2nd and 4th record of a's first window; the end of input fires nothing more (CountTrigger ignores time).
    expect(main).toEqual(['a|0|1000|1,2@999', 'a|0|1000|1,2,3,4@999'].sort());
  });

  it('a continuous event-time trigger fires early every interval of event time, then at the end', async () => {
    const env = new StreamExecutionEnvironment({ parallelism: 1 });
    // Watermark = highest timestamp - 1, emitted after the record that raised it (as Flink's
    // TimestampsAndWatermarksOperator): 2500 passes 2000 with 3 in the window, 4100 passes 4000 with 5,
    // 9000 passes 6000 and 8000 (two firings with the same records, as in Flink), the end of input the window's end.
    const data = [at('a', 100, 1), at('a', 1_500, 2), at('a', 2_500, 3), at('a', 3_000, 4), at('a', 4_100, 5), at('a', 9_000, 6)];
    const result = source(env, data, 0)
      .keyBy((e) => e.k)
      .window(TumblingEventTimeWindows.of(10_000))
      .trigger(ContinuousEventTimeTrigger.of(2_000))
      .process(new Describe<Event>((es) => es.map((e) => e.v).join(',')));
    const { main } = await run(env, result);
    expect(main).toEqual(['a|0|10000|1,2,3@9999', 'a|0|10000|1,2,3,4,5@9999', 'a|0|10000|1,2,3,4,5,6@9999', 'a|0|10000|1,2,3,4,5,6@9999', 'a|0|10000|1,2,3,4,5,6@9999'].sort());
  });

  it('a count evictor keeps the last records, a time evictor the recent ones', async () => {
    const env = new StreamExecutionEnvironment({ parallelism: 1 });
    const keyed = source(env, input, 10_000).keyBy((e) => e.k);
    const counted = keyed
      .window(TumblingEventTimeWindows.of(1_000))
      .evictor(CountEvictor.of(2))
      .process(new Describe<Event>((es) => `count:${es.map((e) => e.v).join(',')}`));
    const timed = keyed
      .window(TumblingEventTimeWindows.of(1_000))
      .evictor(TimeEvictor.of(150))
      .reduce((a: Event, b: Event) => ({ k: a.k, ts: a.ts, v: a.v + b.v }), new Describe<Event>((es) => `time:${es[0]!.v}`));
    const { main } = await run(env, counted.union(timed));
    expect(main).toEqual(
      ['a|0|1000|count:4,5@999', 'a|1000|2000|count:6@1999', 'b|0|1000|count:7@999', 'a|0|1000|time:9@999', 'a|1000|2000|time:6@1999', 'b|0|1000|time:7@999'].sort(),
    );
  });

  it('GlobalWindows with a custom trigger and per-window and global state', async () => {
    const env = new StreamExecutionEnvironment({ parallelism: 1 });
    class Fires extends ProcessWindowFunction<Event, string, string, any> {
      process(key: string, ctx: ProcessWindowContext<any>, elements: readonly Event[], out: Collector<string>): void {
        const perWindow = ctx.windowState().getState(new ValueStateDescriptor<number>('fires', 0));
        const total = ctx.globalState().getState(new ValueStateDescriptor<number>('all', 0));
        perWindow.update(perWindow.value()! + 1);
        total.update(total.value()! + elements.length);
        out.collect(`${key}|${perWindow.value()}|${total.value()}`);
      }
    }
    const result = source(env, input, 10_000)
      .keyBy((e) => e.k)
      .window(GlobalWindows.create())
      .trigger(CountTrigger.of(2))
      .process(new Fires());
    const { main } = await run(env, result);
    expect(main).toEqual([`a|1|2@${Number.MAX_SAFE_INTEGER}`, `a|2|6@${Number.MAX_SAFE_INTEGER}`, `a|3|12@${Number.MAX_SAFE_INTEGER}`].sort());
  });
});

describe('processing-time windows', () => {
  const cases = [
    { name: 'tumbling', assigner: TumblingProcessingTimeWindows.of(20), size: 20, windowsPerRecord: 1 },
    { name: 'sliding', assigner: SlidingProcessingTimeWindows.of(40, 20), size: 40, windowsPerRecord: 2 },
    { name: 'session', assigner: ProcessingTimeSessionWindows.withGap(30), size: 0, windowsPerRecord: 1 },
  ];

  it.each(cases)('$name windows count every record, fired by processing-time timers', async ({ assigner, size, windowsPerRecord }) => {
    const env = new StreamExecutionEnvironment({ parallelism: 2 });
    const count = 3_000;
    const sink = new CollectSink<string>();
    // The source stays open until the windows have counted every record: processing-time windows
    // fire on the clock, never at the end of input (as in Flink).
    const seen = { records: 0 };
    const burst: Source<number, never> = {
      name: 'Burst',
      boundedness: 'bounded',
      createReader: () => {
        let sent = 0;
        const started = Date.now();
        return {
          async start() {},
          pollNext(out) {
            if (sent < count) {
              for (const end = sent + 100; sent < end; sent++) out.collect(sent);
              return 'more';
            }
            return seen.records >= count * windowsPerRecord || Date.now() - started > 10_000 ? 'end' : 'nothing';
          },
          isAvailable: () => new Promise<void>((resolve) => setTimeout(resolve, 5)),
          snapshotState: () => [],
          async close() {},
        };
      },
    };
    env
      .fromSource(burst)
      .setParallelism(1)
      .keyBy((n: number) => n % 5)
      .window(assigner as WindowAssigner<number, TimeWindow>)
      .aggregate(
        { createAccumulator: () => 0, add: (_n: number, acc: number) => acc + 1, getResult: (acc: number) => acc, merge: (a: number, b: number) => a + b },
        (key: number, ctx: ProcessWindowContext<TimeWindow>, counts: readonly number[], out: Collector<string>) => {
          out.collect(`${key}|${ctx.window.end - ctx.window.start}|${counts[0]}|${ctx.window.start % 20}`);
        },
      )
      .map((line: string) => {
        seen.records += Number(line.split('|')[2]);
        return line;
      })
      .setParallelism(1)
      .sink(sink);
    const result = await new LocalCluster().execute(env.compile()).result;
    expect(result.failure).toBeUndefined();
    const perKey = new Map<string, number>();
    for (const line of sink.values) {
      const [key, length, n, phase] = line.split('|');
      if (size > 0) expect([length, phase]).toEqual([String(size), '0']);
      else expect(Number(length)).toBeGreaterThanOrEqual(30);
      perKey.set(key!, (perKey.get(key!) ?? 0) + Number(n));
    }
    expect([...perKey].sort()).toEqual([0, 1, 2, 3, 4].map((k) => [String(k), (count / 5) * windowsPerRecord]));
  });
});

/**
 * Flink's event-time window semantics, simulated record by record: the watermark moves before each
 * record that raises it (as the punctuated generator emits it), windows fire once when it passes
 * their end, records late for a window within the allowed lateness fire it again, and records late
 * for all their windows go to the side output.
 */
function simulate(input: readonly Event[], bound: number, lateness: number, windowsOf: (ts: number) => [number, number][]): { main: string[]; side: string[] } {
  const main: string[] = [];
  const side: string[] = [];
  const open = new Map<string, { key: string; start: number; end: number; values: number[]; fired: boolean }>();
  let watermark = Number.NEGATIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  const show = (w: { key: string; start: number; end: number; values: number[] }) => `${w.key}|${w.start}|${w.end}|${w.values.length}/${w.values.reduce((a, b) => a + b, 0)}@${w.end - 1}`;
  const advance = (to: number) => {
    watermark = to;
    for (const [id, w] of open) {
      if (!w.fired && w.end - 1 <= watermark) {
        main.push(show(w));
        w.fired = true;
      }
      if (w.end - 1 + lateness <= watermark) open.delete(id);
    }
  };
  for (const e of input) {
    if (e.ts > max) {
      max = e.ts;
      advance(max - bound - 1);
    }
    let accepted = false;
    for (const [start, end] of windowsOf(e.ts)) {
      if (end - 1 + lateness <= watermark) continue;
      accepted = true;
      const id = `${e.k}|${start}`;
      let w = open.get(id);
      if (w === undefined) open.set(id, (w = { key: e.k, start, end, values: [], fired: false }));
      w.values.push(e.v);
      if (end - 1 <= watermark) {
        main.push(show(w));
        w.fired = true;
      }
    }
    if (!accepted) side.push(`${e.k}:${e.ts}`);
  }
  advance(Number.POSITIVE_INFINITY);
  return { main: main.sort(), side: side.sort() };
}

describe.each([1, 3])('late records against a simulation of Flink, parallelism %i', (parallelism) => {
  // Disorder of 8 s against a bound of 1 s: many records are late, some within the 1.5 s lateness.
  const input = events(3_000, 5, 5, 8_000, 21);
  const cases = [
    { name: 'tumbling (slices)', size: 2_000, slide: 2_000, general: false },
    { name: 'sliding (slices)', size: 3_000, slide: 1_000, general: false },
    { name: 'sliding with an explicit trigger (general operator)', size: 3_000, slide: 1_000, general: true },
  ];

  it.each(cases)('$name', async ({ size, slide, general }) => {
    const env = new StreamExecutionEnvironment({ parallelism });
    const late = new OutputTag<Event>('late');
    const windowed = source(env, input, 1_000)
      .keyBy((e) => e.k)
      .window(SlidingEventTimeWindows.of(size, slide))
      .allowedLateness(1_500)
      .sideOutputLateData(late);
    if (general) windowed.trigger(EventTimeTrigger.create());
    const result = windowed.aggregate(countAndSum, new Describe<string>((r) => r[0]!));
    const got = await run(env, result, late);
    const want = simulate(input, 1_000, 1_500, (ts) => slidingWindows(ts, size, slide));
    expect(want.side.length).toBeGreaterThan(100);
    // Windows fired again for late records.
    expect(want.main.length).toBeGreaterThan(new Set(want.main.map((line) => line.split('|').slice(0, 3).join('|'))).size);
    expect(got).toEqual(want);
  });
});

/** Flink's session windows with lateness, simulated: merge on arrival, fire on the watermark or at once when due. */
function simulateSessions(input: readonly Event[], bound: number, lateness: number, gap: number): { main: string[]; side: string[] } {
  interface Session {
    start: number;
    end: number;
    values: number[];
    /** Its firing timer is set: it fires when the watermark passes its end. */
    pending: boolean;
  }
  const main: string[] = [];
  const side: string[] = [];
  const byKey = new Map<string, Session[]>();
  let watermark = Number.NEGATIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  const show = (key: string, w: Session) => `${key}|${w.start}|${w.end}|${w.values.length}/${w.values.reduce((a, b) => a + b, 0)}@${w.end - 1}`;
  const advance = (to: number) => {
    watermark = to;
    for (const [key, list] of byKey) {
      for (const w of [...list].sort((a, b) => a.end - b.end)) {
        if (w.pending && w.end - 1 <= watermark) {
          main.push(show(key, w));
          w.pending = false;
        }
      }
      byKey.set(key, list.filter((w) => w.end - 1 + lateness > watermark));
    }
  };
  for (const e of input) {
    if (e.ts > max) {
      max = e.ts;
      advance(max - bound - 1);
    }
    const list = byKey.get(e.k) ?? [];
    let start = e.ts;
    let end = e.ts + gap;
    const overlapping = list.filter((w) => w.start <= end && w.end >= start);
    for (const w of overlapping) {
      start = Math.min(start, w.start);
      end = Math.max(end, w.end);
    }
    if (end - 1 + lateness <= watermark) {
      side.push(`${e.k}:${e.ts}`);
      continue;
    }
    const values = overlapping.sort((a, b) => a.start - b.start).flatMap((w) => w.values);
    values.push(e.v);
    const unchanged = overlapping.length === 1 && overlapping[0]!.start === start && overlapping[0]!.end === end;
    const merged: Session = { start, end, values, pending: unchanged ? overlapping[0]!.pending : end - 1 > watermark };
    byKey.set(e.k, [...list.filter((w) => !overlapping.includes(w)), merged]);
    if (end - 1 <= watermark) main.push(show(e.k, merged));
  }
  advance(Number.POSITIVE_INFINITY);
  return { main: main.sort(), side: side.sort() };
}

describe.each([1, 3])('late session records against a simulation of Flink, parallelism %i', (parallelism) => {
  it('merge, fire again within the lateness, and go to the side output after it', async () => {
    const input = events(3_000, 40, 13, 8_000, 33);
    const env = new StreamExecutionEnvironment({ parallelism });
    const late = new OutputTag<Event>('late');
    const result = source(env, input, 1_000)
      .keyBy((e) => e.k)
      .window(EventTimeSessionWindows.withGap(400))
      .allowedLateness(1_500)
      .sideOutputLateData(late)
      .aggregate(countAndSum, new Describe<string>((r) => r[0]!));
    const got = await run(env, result, late);
    const want = simulateSessions(input, 1_000, 1_500, 400);
    expect(want.side.length).toBeGreaterThan(100);
    expect(want.main.length).toBeGreaterThan(new Set(want.main.map((line) => line.split('|').slice(0, 2).join('|'))).size);
    expect(got).toEqual(want);
  });
});

describe('window odds and ends', () => {
  const at = (k: string, ts: number, v: number): Event => ({ k, ts, v });
  const input = [at('a', 100, 1), at('b', 200, 2), at('a', 300, 3), at('c', 400, 4), at('b', 500, 5), at('a', 1_600, 6)];

  it('countWindowAll counts the whole stream, and window functions emit to side outputs', async () => {
    const env = new StreamExecutionEnvironment({ parallelism: 2 });
    const big = new OutputTag<string>('big');
    const counted = source(env, input, 0)
      .countWindowAll(2)
      .process((ctx, es: readonly Event[], out: Collector<string>) => {
        const sum = es.reduce((a, e) => a + e.v, 0);
        if (sum > 5) ctx.output(big, `big:${sum}`);
        out.collect(es.map((e) => e.k).join(''));
      });
    const sink = new CollectSink<string>();
    counted.getSideOutput(big).sink(sink);
    const { main } = await run(env, counted);
    expect(main).toEqual([`ab@${Number.MAX_SAFE_INTEGER}`, `ac@${Number.MAX_SAFE_INTEGER}`, `ba@${Number.MAX_SAFE_INTEGER}`]);
    expect(sink.values.sort()).toEqual(['big:11', 'big:7']);
  });

  it('a custom assigner puts records into the windows it returns', async () => {
    const env = new StreamExecutionEnvironment({ parallelism: 2 });
    /** Each record's own second, and for odd values also the next one. */
    class Seconds extends WindowAssigner<Event, TimeWindow> {
      assignWindows(e: Event, ts: number): readonly TimeWindow[] {
        const start = Math.floor(ts / 1_000) * 1_000;
        return e.v % 2 === 1 ? [new TimeWindow(start, start + 1_000), new TimeWindow(start + 1_000, start + 2_000)] : [new TimeWindow(start, start + 1_000)];
      }
      getDefaultTrigger() {
        return EventTimeTrigger.create();
      }
      isEventTime(): boolean {
        return true;
      }
    }
    const result = source(env, input, 10_000)
      .keyBy((e) => e.k)
      .window(new Seconds())
      .process(new Describe<Event>((es) => es.map((e) => e.v).join(',')));
    const { main } = await run(env, result);
    expect(main).toEqual(['a|0|1000|1,3@999', 'a|1000|2000|1,3,6@1999', 'b|0|1000|2,5@999', 'b|1000|2000|5@1999', 'c|0|1000|4@999'].sort());
  });

  it('event-time windows refuse records without a timestamp, saying what to add', async () => {
    const env = new StreamExecutionEnvironment({ parallelism: 1 });
    const sink = new CollectSink<string>();
    env
      .fromElements('x', 'y')
      .keyBy((s) => s)
      .window(TumblingEventTimeWindows.of(1_000))
      .reduce((a, b) => a + b)
      .sink(sink);
    const result = await new LocalCluster().execute(env.compile()).result;
    expect(String(result.failure?.cause)).toMatch(/without a timestamp.*assignTimestampsAndWatermarks/);
  });
});
