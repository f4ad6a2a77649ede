/**
 * Window benchmarks (issue 12, point 10): keyed windows counting records, at p=1 in a LocalCluster.
 * The source gives every record its event time (one record per ms, 1000 keys), so a 1-minute window
 * of a key holds 60 records; the final watermark fires what is left.
 */
import { performance } from 'node:perf_hooks';
import {
  DiscardingSink,
  EventTimeSessionWindows,
  SequenceSource,
  SlidingEventTimeWindows,
  StreamExecutionEnvironment,
  TumblingEventTimeWindows,
  WatermarkStrategy,
  minutes,
  seconds,
  type AggregateFunction,
  type KeyedStream,
} from '@sage/core';
import { LocalCluster } from '@sage/runtime';
import type { Benchmark, Measurement, RatioGoal } from './benchmark.js';

const KEYS = 1000;

const count: AggregateFunction<number, number, number> = {
  createAccumulator: () => 0,
  add: (_value, acc) => acc + 1,
  getResult: (acc) => acc,
  merge: (a, b) => a + b,
};

async function runWindowed(records: number, eventTime: (n: number) => number, window: (keyed: KeyedStream<number, number>) => void): Promise<Measurement> {
  const env = new StreamExecutionEnvironment({ parallelism: 1, jobName: 'bench-windows' });
  const keyed = env
    .fromSource(new SequenceSource(1, records), WatermarkStrategy.forMonotonousTimestamps<number>().withTimestampAssigner(eventTime))
    .keyBy((n: number) => n % KEYS);
  window(keyed);
  const jobGraph = env.compile();
  const started = performance.now();
  const result = await new LocalCluster().execute(jobGraph).result;
  const millis = performance.now() - started;
  if (result.state !== 'FINISHED') throw new Error(`Benchmark job ${result.state}: ${String(result.failure?.cause)}`);
  return { records, millis };
}

const TUMBLING = 'local/window-tumbling-count';
const SLIDING = 'local/window-sliding-count';

export function tumblingWindowCount(records = 10_000_000): Benchmark {
  return {
    name: TUMBLING,
    description: 'keyBy -> tumbling 1 min event-time window -> count, p=1, 1000 keys',
    goalRecordsPerSecond: 3_000_000,
    warmups: 1,
    runs: 3,
    run: () => runWindowed(records, (n) => n, (keyed) => keyed.window(TumblingEventTimeWindows.of(minutes(1))).aggregate(count).sink(new DiscardingSink())),
  };
}

export function slidingWindowCount(records = 10_000_000): Benchmark {
  return {
    name: SLIDING,
    description: 'keyBy -> sliding 10 min / 1 min event-time window -> count, p=1, 1000 keys',
    goalRecordsPerSecond: 2_100_000,
    warmups: 1,
    runs: 3,
    run: () =>
      runWindowed(records, (n) => n, (keyed) => keyed.window(SlidingEventTimeWindows.of(minutes(10), minutes(1))).aggregate(count).sink(new DiscardingSink())),
  };
}

/** Bursts of 50 records per key, 1 s apart, then a 30 s pause: sessions (gap 10 s) grow and close. */
export function sessionWindowCount(records = 5_000_000): Benchmark {
  const burst = 50 * KEYS;
  return {
    name: 'local/window-session-count',
    description: 'keyBy -> event-time session window (gap 10 s) -> count, p=1, 1000 keys, 50 records a session',
    goalRecordsPerSecond: 1_000_000,
    warmups: 1,
    runs: 3,
    run: () =>
      runWindowed(
        records,
        (n) => n + Math.floor(n / burst) * 30_000,
        (keyed) => keyed.window(EventTimeSessionWindows.withGap(seconds(10))).aggregate(count).sink(new DiscardingSink()),
      ),
  };
}

export const windowRatioGoals: readonly RatioGoal[] = [
  {
    name: 'window/sliding-over-tumbling',
    description: 'sliding 10 min / 1 min against tumbling 1 min: slices keep sliding windows as cheap',
    numerator: SLIDING,
    denominator: TUMBLING,
    goal: 0.7,
  },
];
