import { describe, expect, it } from 'vitest';
import {
  ProcessJoinFunction,
  StreamExecutionEnvironment,
  type IntervalJoined,
  WatermarkStrategy,
  type Collector,
  type ProcessJoinContext,
} from '@sage/core';
import { CollectSink } from '../../testing/collect-sink.js';
import { LocalCluster } from '../../cluster/local-cluster.js';
import { HeapKeyedStateBackend } from '../../state/heap-keyed-state-backend.js';
import { TaskMetrics } from '../../metrics/task-metrics.js';
import type { ProcessingTimeService } from '../../time/processing-time-service.js';
import { Output } from '../output.js';
import { IntervalJoinOperator } from './interval-join-operator.js';

interface Event {
  readonly id: number;
  readonly key: number;
  readonly ts: number;
}

/** `count` events over `span` ms on `keys` keys, emitted out of order by up to `disorder` ms. */
function events(count: number, keys: number, span: number, disorder: number, seed: number): Event[] {
  let state = seed;
  const next = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const list = Array.from({ length: count }, (_, id) => ({ id, key: Math.floor(next() * keys), ts: Math.floor((id * span) / count) }));
  // Shuffle within the disorder bound: sort by a timestamp jittered forward.
  const jitter = list.map((e) => e.ts + next() * disorder);
  return list.map((e, i) => [e, jitter[i]!] as const).sort((a, b) => a[1] - b[1]).map(([e]) => e);
}

/** Every pair the join must emit, by nested loops: `left-right@max(ts)`. */
function bruteForce(left: Event[], right: Event[], lower: number, upper: number): string[] {
  const pairs: string[] = [];
  for (const l of left) {
    for (const r of right) {
      if (l.key === r.key && r.ts >= l.ts + lower && r.ts <= l.ts + upper) pairs.push(`${l.id}-${r.id}@${Math.max(l.ts, r.ts)}`);
    }
  }
  return pairs.sort();
}

class Pair extends ProcessJoinFunction<Event, Event, string> {
  processElement(left: Event, right: Event, ctx: ProcessJoinContext, out: Collector<string>): void {
    if (ctx.leftTimestamp() !== left.ts || ctx.rightTimestamp() !== right.ts) throw new Error('wrong timestamps in the join context');
    out.collect(`${left.id}-${right.id}@${ctx.timestamp()}`);
  }
}

/** Emits each record with the timestamp it carries, as seen by the next operator. */
class WithTimestamp {
  processElement(value: string, ctx: { timestamp(): number | undefined }, out: Collector<string>): void {
    if (!value.endsWith(`@${ctx.timestamp()}`)) throw new Error(`record ${value} carries timestamp ${ctx.timestamp()}`);
    out.collect(value);
  }
}

const strategy = WatermarkStrategy.forBoundedOutOfOrderness<Event>(2_000).withTimestampAssigner((e) => e.ts);

type Bounds = (joined: IntervalJoined<Event, Event, number>) => IntervalJoined<Event, Event, number>;

async function join(parallelism: number, left: Event[], right: Event[], bounds: Bounds, lower: number, upper: number) {
  const env = new StreamExecutionEnvironment({ parallelism });
  const sink = new CollectSink<string>();
  const joined = env
    .fromCollection(left)
    .assignTimestampsAndWatermarks(strategy)
    .keyBy((e) => e.key)
    .intervalJoin(env.fromCollection(right).assignTimestampsAndWatermarks(strategy).keyBy((e) => e.key))
    .between(lower, upper);
  bounds(joined).process(new Pair()).process(new WithTimestamp()).sink(sink);
  const result = await new LocalCluster({ batchSize: 64 }).execute(env.compile()).result;
  expect(result.failure).toBeUndefined();
  return sink.values.sort();
}

function intervalJoin() {
  const env = new StreamExecutionEnvironment();
  return env
    .fromElements<Event>()
    .keyBy((e) => e.key)
    .intervalJoin(env.fromElements<Event>().keyBy((e) => e.key));
}

describe('interval join', () => {
  const left = events(4_000, 13, 60_000, 1_500, 11);
  const right = events(5_000, 13, 60_000, 1_500, 12);

  it.each([1, 3])('matches a nested-loop join on out-of-order input, at parallelism %i', async (parallelism) => {
    const expected = bruteForce(left, right, -300, 200);
    expect(expected.length).toBeGreaterThan(1_000);
    expect(await join(parallelism, left, right, (j) => j, -300, 200)).toEqual(expected);
  });

  it('handles bounds on one side of the left record, and exclusive bounds', async () => {
    expect(await join(2, left, right, (j) => j, 100, 700)).toEqual(bruteForce(left, right, 100, 700));
    expect(await join(2, left, right, (j) => j, -900, -50)).toEqual(bruteForce(left, right, -900, -50));
    const exclusive = await join(2, left, right, (j) => j.lowerBoundExclusive().upperBoundExclusive(), -300, 200);
    expect(exclusive).toEqual(bruteForce(left, right, -299, 199));
  });

  it('refuses bounds that leave no interval', () => {
    expect(() => intervalJoin().between(0, 0).lowerBoundExclusive().process(() => {})).toThrow(/leave no interval/);
    expect(() => intervalJoin().between(5, 1)).toThrow(/lower bound must not be above/);
  });

  it('fails with a clear error when records carry no timestamps', async () => {
    const env = new StreamExecutionEnvironment();
    env
      .fromElements<Event>({ id: 1, key: 1, ts: 1 })
      .keyBy((e) => e.key)
      .intervalJoin(env.fromElements<Event>({ id: 2, key: 1, ts: 1 }).keyBy((e) => e.key))
      .between(0, 1)
      .process((l, r, _ctx, out: Collector<string>) => out.collect(`${l.id}${r.id}`))
      .sink(new CollectSink<string>());
    const result = await new LocalCluster().execute(env.compile()).result;
    expect(result.state).toBe('FAILED');
    expect(String(result.failure?.message)).toMatch(/without a timestamp: give both inputs event time/);
  });

  it('sends late records to their side output or drops them, and cleans each buffered bucket once the watermark passes its interval', async () => {
    const backend = new HeapKeyedStateBackend({ start: 0, end: 127 }, 128, 'join');
    const noTimers: ProcessingTimeService = { getCurrentProcessingTime: () => 0, registerTimer: () => ({ cancel() {} }) };
    const operator = new IntervalJoinOperator(
      {
        jobName: 'j', jobId: 'j', operatorName: 'join', operatorUid: 'join', subtaskIndex: 0, parallelism: 1, maxParallelism: 128, attemptNumber: 0,
        keySelector: (e) => (e as Event).key, keySelector2: (e) => (e as Event).key, keyedBackend: backend, metrics: new TaskMetrics(),
        processingTime: noTimers, autoWatermarkIntervalMs: 200, restoredState: undefined,
      },
      new Pair(),
      { lowerBound: -10, upperBound: 20, rightLateDataTag: 'late-right' },
    );
    const out: string[] = [];
    const late: unknown[] = [];
    operator.output = new Output(
      [{ processElement: (v) => out.push(v as string), processWatermark: (w) => out.push(`wm ${w}`), processWatermarkStatus() {} }],
      new Map([['late-right', [{ processElement: (v, ts) => late.push([v, ts]), processWatermark() {}, processWatermarkStatus() {} }]]]),
    );
    await operator.open();
    const buffered = (side: 'left' | 'right') => backend.internalTable(`__interval-join/${side}`).maps.reduce((n: number, m) => n + [...m.values()].reduce((k: number, b) => k + (b as unknown[]).length / 2, 0), 0);
    operator.processElement1({ id: 1, key: 1, ts: 100 }, 100); // left bucket kept until 100 + 20
    operator.processElement2({ id: 2, key: 1, ts: 95 }, 95); // right bucket kept until 95 + 10
    operator.processElement2({ id: 3, key: 1, ts: 125 }, 125); // out of [90, 120]: no pair
    expect(out).toEqual(['1-2@100']);
    expect([buffered('left'), buffered('right')]).toEqual([1, 2]);
    operator.processWatermark1(105);
    operator.processWatermark2(105);
    expect([buffered('left'), buffered('right')]).toEqual([1, 1]); // right at 95 cleaned at 105
    operator.processElement2({ id: 4, key: 1, ts: 104 }, 104); // behind the watermark: to the late side output
    operator.processElement1({ id: 5, key: 1, ts: 101 }, 101); // late too, and no side output for the left: dropped
    expect(late).toEqual([[{ id: 4, key: 1, ts: 104 }, 104]]);
    operator.processWatermark1(120);
    operator.processWatermark2(200);
    expect([buffered('left'), buffered('right')]).toEqual([0, 1]); // left at 100 cleaned at 120
    operator.processWatermark1(Infinity);
    operator.processWatermark2(Infinity);
    expect([buffered('left'), buffered('right')]).toEqual([0, 0]);
    expect(out).toEqual(['1-2@100', 'wm 105', 'wm 120', 'wm 200', 'wm Infinity']);
  });
});
