/** The interval join of issue 12 point 10: two keyed streams joined over an event-time interval, in a LocalCluster. */
import { DiscardingSink, WatermarkStrategy } from '@sage/core';
import type { Benchmark } from './benchmark.js';
import { runLocal } from './local-pipelines.js';

/**
 * Two sequences 1..n/2 with their value as timestamp, keyed by value mod 1000, joined within ±1000 ms:
 * each record meets the other side's records of its key 1000 ms before, at and after it (three pairs
 * for the left, so about 1.5 pairs out per record in), and every bucket is cleaned by its timer.
 * Records/s counts the records of both inputs.
 */
export function intervalJoin(records = 4_000_000): Benchmark {
  const perSide = records / 2;
  return {
    name: 'local/interval-join-p1',
    description: 'two sequences -> keyBy -> intervalJoin(±1000 ms) -> discard, p=1, 1000 keys',
    warmups: 1,
    runs: 3,
    run: () =>
      runLocal(records, 1, (env) => {
        const byValue = WatermarkStrategy.forMonotonousTimestamps<number>().withTimestampAssigner((n) => n);
        const side = () => env.fromSequence(1, perSide).assignTimestampsAndWatermarks(byValue).keyBy((n: number) => n % 1000);
        side()
          .intervalJoin(side())
          .between(-1000, 1000)
          .process((left, right, _ctx, out) => out.collect(left + right))
          .sink(new DiscardingSink());
      }),
  };
}
