/** The foundation's pipelines in a LocalCluster, into a sink that discards. */
import { performance } from 'node:perf_hooks';
import { DiscardingSink, StreamExecutionEnvironment } from '@sage/core';
import { LocalCluster } from '@sage/runtime';
import type { Benchmark, Measurement } from './benchmark.js';

export async function runLocal(records: number, parallelism: number, build: (env: StreamExecutionEnvironment) => void): Promise<Measurement> {
  const env = new StreamExecutionEnvironment({ parallelism, jobName: 'bench' });
  build(env);
  const jobGraph = env.compile();
  const started = performance.now();
  const result = await new LocalCluster().execute(jobGraph).result;
  const millis = performance.now() - started;
  if (result.state !== 'FINISHED') throw new Error(`Benchmark job ${result.state}: ${String(result.failure?.cause)}`);
  return { records, millis };
}

export function chainedPipeline(records = 30_000_000): Benchmark {
  return {
    name: 'local/chained',
    description: 'fromSequence -> map -> filter -> discard, chained, p=1',
    goalRecordsPerSecond: 10_000_000,
    warmups: 1,
    runs: 3,
    run: () =>
      runLocal(records, 1, (env) =>
        env
          .fromSequence(1, records)
          .map((n: number) => n * 2)
          .filter((n) => n % 3 !== 0)
          .sink(new DiscardingSink()),
      ),
  };
}

export function keyedReduce(parallelism: number, records = 10_000_000): Benchmark {
  return {
    name: `local/keyed-reduce-p${parallelism}`,
    description: `fromSequence -> keyBy -> reduce -> discard, p=${parallelism}, 1000 keys`,
    goalRecordsPerSecond: 2_000_000,
    warmups: 1,
    runs: 3,
    run: () =>
      runLocal(records, parallelism, (env) =>
        env
          .fromSequence(1, records)
          .keyBy((n: number) => n % 1000)
          .reduce((a, b) => a + b)
          .sink(new DiscardingSink()),
      ),
  };
}
