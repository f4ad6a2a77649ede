import { describe, expect, it } from 'vitest';
import {
  CoProcessFunction,
  KeyedCoProcessFunction,
  StreamExecutionEnvironment,
  ValueStateDescriptor,
  WatermarkStrategy,
  type Collector,
  type KeyedProcessContext,
  type OnTimerContext,
  type ProcessContext,
  RestartStrategies,
  type RuntimeContext,
  type ValueState,
} from '@sage/core';
import { CollectSink } from '../../testing/collect-sink.js';
import { LocalCluster } from '../../cluster/local-cluster.js';
import { GatedSource } from '../../testing/gated-source.js';
import { TaskMetrics } from '../../metrics/task-metrics.js';
import { Output } from '../output.js';
import { CoMapOperator } from './co-operators.js';

/** A seeded generator in [0, 1). */
function random(seed: number): () => number {
  let state = seed;
  return () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32;
}

interface Event {
  readonly id: number;
  readonly key: string;
  readonly ts: number;
}

/** Events every `step` ms on average, out of order by up to `disorder` ms. */
function events(count: number, keys: number, step: number, disorder: number, seed: number): Event[] {
  const next = random(seed);
  return Array.from({ length: count }, (_, id) => ({ id, key: `k${Math.floor(next() * keys)}`, ts: Math.max(0, id * step - Math.floor(next() * disorder)) }));
}

const byTs = WatermarkStrategy.forBoundedOutOfOrderness<Event>(1_000).withTimestampAssigner((e) => e.ts);

async function run(env: StreamExecutionEnvironment): Promise<void> {
  const result = await new LocalCluster({ batchSize: 64 }).execute(env.compile()).result;
  expect(result.failure).toBeUndefined();
  expect(result.state).toBe('FINISHED');
}

describe('the watermark of a two-input operator', () => {
  it('is the minimum of its inputs, leaving an idle input out and counting an ended one as +∞', () => {
    const operator = new CoMapOperator(
      {
        jobName: 'j', jobId: 'j', operatorName: 'co', operatorUid: 'co', subtaskIndex: 0, parallelism: 1, maxParallelism: 128, attemptNumber: 0,
        keySelector: null, keyedBackend: null, metrics: new TaskMetrics(), autoWatermarkIntervalMs: 200, restoredState: undefined,
        processingTime: { getCurrentProcessingTime: () => 0, registerTimer: () => ({ cancel() {} }) },
      },
      { map1: (x: unknown) => x, map2: (x: unknown) => x },
    );
    const out: (number | string)[] = [];
    operator.output = new Output([{ processElement() {}, processWatermark: (w) => out.push(w), processWatermarkStatus: (idle) => out.push(idle ? 'idle' : 'active') }], new Map());
    operator.processWatermark1(10);
    operator.processWatermark2(5);
    operator.processWatermark2(20);
    operator.processWatermark1(30);
    expect(out).toEqual([5, 10, 20]);
    operator.processWatermarkStatus2(true); // input 2 idle: input 1 alone holds event time
    operator.processWatermark1(40);
    operator.processWatermarkStatus1(true);
    expect(out).toEqual([5, 10, 20, 30, 40, 'idle']);
    operator.processWatermarkStatus2(false);
    operator.processWatermarkStatus1(false);
    operator.processWatermark2(35); // behind the output: event time never goes back
    operator.processWatermark2(Infinity); // input 2 ended: input 1 alone holds event time
    operator.processWatermark1(50);
    expect(out).toEqual([5, 10, 20, 30, 40, 'idle', 'active', 50]);
  });
});

describe('connect', () => {
  it.each([1, 3])('maps and flat-maps each input with its own method, at parallelism %i', async (parallelism) => {
    const env = new StreamExecutionEnvironment({ parallelism });
    const mapped = new CollectSink<string>();
    const flat = new CollectSink<string>();
    const numbers = env.fromCollection(Array.from({ length: 2000 }, (_, i) => i)).rebalance();
    const words = env.fromCollection(['a b', 'c', 'd e f']).rebalance();
    numbers
      .connect(words)
      .map({ map1: (n: number) => `n${n}`, map2: (line: string) => `w${line}` })
      .sink(mapped);
    numbers
      .connect(words)
      .flatMap({
        flatMap1: (n: number) => (n % 500 === 0 ? [`n${n}`, `n${n}`] : []),
        flatMap2(line: string, out: Collector<string>) {
          for (const w of line.split(' ')) out.collect(w);
        },
      })
      .sink(flat);
    await run(env);
    expect(mapped.values.sort()).toEqual([...Array.from({ length: 2000 }, (_, i) => `n${i}`), 'wa b', 'wc', 'wd e f'].sort());
    expect(flat.values.sort()).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'n0', 'n0', 'n1000', 'n1000', 'n1500', 'n1500', 'n500', 'n500']);
  });

  it('gives CoProcessFunction each record with its timestamp', async () => {
    const env = new StreamExecutionEnvironment({ parallelism: 2 });
    const sink = new CollectSink<string>();
    class Tag extends CoProcessFunction<Event, Event, string> {
      processElement1(e: Event, ctx: ProcessContext, out: Collector<string>): void {
        out.collect(`L${e.id}@${ctx.timestamp()}`);
      }
      processElement2(e: Event, ctx: ProcessContext, out: Collector<string>): void {
        out.collect(`R${e.id}@${ctx.timestamp()}`);
      }
    }
    const left = events(300, 5, 10, 100, 1);
    const right = events(200, 5, 10, 100, 2);
    env
      .fromCollection(left)
      .assignTimestampsAndWatermarks(byTs)
      .connect(env.fromCollection(right).assignTimestampsAndWatermarks(byTs))
      .process(new Tag())
      .sink(sink);
    await run(env);
    expect(sink.values.sort()).toEqual([...left.map((e) => `L${e.id}@${e.ts}`), ...right.map((e) => `R${e.id}@${e.ts}`)].sort());
  });
});

/**
 * Orders (input 1) and payments (input 2) of the same user share one state per user and minute; an
 * event-time timer at the minute's end reports both counts. A record whose minute has already fired
 * would be reported as late: none is when the operator's watermark is the minimum of its inputs'.
 */
class MinuteTotals extends KeyedCoProcessFunction<string, Event, Event, string> {
  private totals!: ValueState<Record<string, [number, number]>>;

  override open(ctx: RuntimeContext): void {
    this.totals = ctx.getState(new ValueStateDescriptor<Record<string, [number, number]>>('totals'));
  }

  processElement1(e: Event, ctx: KeyedProcessContext<string>, out: Collector<string>): void {
    this.add(e, 0, ctx, out);
  }

  processElement2(e: Event, ctx: KeyedProcessContext<string>, out: Collector<string>): void {
    this.add(e, 1, ctx, out);
  }

  override onTimer(timestamp: number, ctx: OnTimerContext<string>, out: Collector<string>): void {
    const totals = this.totals.value()!;
    const [orders, payments] = totals[timestamp]!;
    out.collect(`${ctx.getCurrentKey()}@${timestamp}:${orders}:${payments}:${ctx.timeDomain()}`);
    delete totals[timestamp];
    this.totals.update(totals);
  }

  private add(e: Event, side: 0 | 1, ctx: KeyedProcessContext<string>, out: Collector<string>): void {
    const end = Math.floor(e.ts / 60_000) * 60_000 + 59_999;
    if (end <= ctx.timerService().currentWatermark()) {
      out.collect(`late ${side} ${e.id}`);
      return;
    }
    const totals = this.totals.value() ?? {};
    const entry = (totals[end] ??= [0, 0]);
    entry[side]++;
    this.totals.update(totals);
    ctx.timerService().registerEventTimeTimer(end);
  }
}

describe('keyed connect', () => {
  it.each([1, 3])('shares keyed state and timers between both inputs, at parallelism %i', async (parallelism) => {
    // Payments run ahead of orders in event time (5 ms apart against 10): were the operator's
    // watermark the faster input's, orders would come after their minute fired.
    const orders = events(6_000, 11, 10, 3_000, 3);
    const payments = events(12_000, 11, 5, 3_000, 4);
    const expected = new Map<string, [number, number]>();
    for (const [side, list] of [[0, orders], [1, payments]] as const) {
      for (const e of list) {
        const id = `${e.key}@${Math.floor(e.ts / 60_000) * 60_000 + 59_999}`;
        const entry = expected.get(id) ?? [0, 0];
        entry[side]++;
        expected.set(id, entry);
      }
    }
    const strategy = WatermarkStrategy.forBoundedOutOfOrderness<Event>(3_000).withTimestampAssigner((e) => e.ts);
    for (const style of ['keyed inputs', 'connect then keyBy'] as const) {
      const env = new StreamExecutionEnvironment({ parallelism });
      const sink = new CollectSink<string>();
      const a = env.fromCollection(orders).assignTimestampsAndWatermarks(strategy);
      const b = env.fromCollection(payments).assignTimestampsAndWatermarks(strategy);
      const connected =
        style === 'keyed inputs' ? a.keyBy((e) => e.key).connect(b.keyBy((e) => e.key)) : a.connect(b).keyBy((e) => e.key, (e) => e.key);
      connected.process(new MinuteTotals()).sink(sink);
      await run(env);
      const fired = new Map<string, [number, number]>();
      for (const line of sink.values) {
        const [id, o, p, domain] = line.split(':');
        expect(domain).toBe('EVENT_TIME');
        expect(fired.has(id!)).toBe(false);
        fired.set(id!, [Number(o), Number(p)]);
      }
      expect(fired).toEqual(expected);
    }
  });
});

describe('keyed union', () => {
  it.each([1, 3])('unions keyed streams into one keyed stream, at parallelism %i', async (parallelism) => {
    const a = events(3_000, 17, 1, 0, 5);
    const b = events(2_000, 17, 1, 0, 6);
    const expected = new Map<string, number>();
    for (const e of [...a, ...b]) expected.set(e.key, (expected.get(e.key) ?? 0) + e.id);
    const env = new StreamExecutionEnvironment({ parallelism });
    const keyedFirst = new CollectSink<[string, number]>();
    const unionFirst = new CollectSink<[string, number]>();
    const sa = env.fromCollection(a);
    const sb = env.fromCollection(b);
    const sum = ([k, x]: [string, number], [, y]: [string, number]): [string, number] => [k, x + y];
    sa.keyBy((e) => e.key)
      .union(sb.keyBy((e) => e.key))
      .map((e): [string, number] => [e.key, e.id])
      .keyBy(([k]) => k)
      .reduce(sum)
      .sink(keyedFirst);
    sa.union(sb)
      .keyBy((e) => e.key)
      .map((e): [string, number] => [e.key, e.id])
      .keyBy(([k]) => k)
      .reduce(sum)
      .sink(unionFirst);
    await run(env);
    const finals = (values: [string, number][]) => {
      const last = new Map<string, number>();
      for (const [k, v] of values) last.set(k, Math.max(last.get(k) ?? 0, v));
      return last;
    };
    expect(finals(keyedFirst.values)).toEqual(expected);
    expect(finals(unionFirst.values)).toEqual(expected);
  });
});

/** Totals per key of both inputs, reported once by an event-time timer that only the end of input reaches. */
class Totals extends KeyedCoProcessFunction<number, number, number, string> {
  private sums!: ValueState<[number, number]>;

  override open(ctx: RuntimeContext): void {
    this.sums = ctx.getState(new ValueStateDescriptor<[number, number]>('sums'));
  }

  processElement1(n: number, ctx: KeyedProcessContext<number>): void {
    const [a, b] = this.sums.value() ?? [0, 0];
    this.sums.update([a + n, b]);
    ctx.timerService().registerEventTimeTimer(1e12);
  }

  processElement2(n: number, ctx: KeyedProcessContext<number>): void {
    const [a, b] = this.sums.value() ?? [0, 0];
    this.sums.update([a, b + n]);
    ctx.timerService().registerEventTimeTimer(1e12);
  }

  override onTimer(_t: number, ctx: OnTimerContext<number>, out: Collector<string>): void {
    out.collect(`${ctx.getCurrentKey()}:${this.sums.value()!.join(':')}`);
  }
}

/** Throws at `failAt` in the first attempt only. */
class CrashOnce {
  private attempt = 0;
  constructor(private readonly failAt: number) {}
  open(ctx: RuntimeContext): void {
    this.attempt = ctx.attemptNumber;
  }
  map(n: number): number {
    if (n === this.failAt && this.attempt === 0) throw new Error(`crash at ${n}`);
    return n;
  }
}

describe('two inputs and checkpoints', () => {
  it.each([1, 3])('restores a keyed two-input operator exactly once after a crash, at parallelism %i', async (parallelism) => {
    const count = 4_000;
    const half = count / 2;
    const numbers = Array.from({ length: count }, (_, i) => i);
    let completed = 0;
    const env = new StreamExecutionEnvironment({ parallelism });
    env.enableCheckpointing(10);
    env.setRestartStrategy(RestartStrategies.fixedDelay({ attempts: 2, delayMs: 10 }));
    const byValue = WatermarkStrategy.forMonotonousTimestamps<number>().withTimestampAssigner((n) => n);
    // Each input's second half waits for a completed checkpoint, so the crash restores from one.
    const input = (uid: string) =>
      env
        .fromSource(new GatedSource(numbers.slice(0, half), () => true, 50), { uid: `${uid}-first` })
        .union(env.fromSource(new GatedSource(numbers.slice(half), () => completed > 0, 50), { uid: `${uid}-second` }))
        .assignTimestampsAndWatermarks(byValue)
        .uid(`${uid}-time`);
    const sink = new CollectSink<string>();
    input('a')
      .keyBy((n) => n % 13)
      .connect(input('b').map(new CrashOnce(half + 100)).uid('crash').keyBy((n) => n % 13))
      .process(new Totals())
      .uid('totals')
      .sink(sink)
      .uid('out');
    const execution = new LocalCluster({ batchSize: 16 }).execute(env.compile());
    execution.onCheckpointCompleted(() => completed++);
    const result = await execution.result;
    expect(result.failure).toBeUndefined();
    expect(result.restarts).toBe(1);
    const expected: string[] = [];
    for (let key = 0; key < 13; key++) {
      const sum = numbers.filter((n) => n % 13 === key).reduce((a, b) => a + b, 0);
      expected.push(`${key}:${sum}:${sum}`);
    }
    expect(sink.values.sort()).toEqual(expected.sort());
  });
});
