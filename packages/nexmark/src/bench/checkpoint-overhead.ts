/**
 * What checkpointing costs (issue 4, point 10: under 10%): the keyed job over 100k keys at p=2 in a
 * LocalCluster with a checkpoint every second to Redis, against the same job without checkpoints.
 * Each run is a pair, one job of each, back to back over the same records and in alternating order,
 * and the overhead is the median of the pairs' ratios: run as two blocks one after the other, the
 * comparison measured the machine's drift (other work on its two cores) more than checkpointing.
 */
import { performance } from 'node:perf_hooks';
import { DiscardingSink, StreamExecutionEnvironment } from '@sage/core';
import { LocalCluster, type CheckpointStats, type CheckpointStorage } from '@sage/runtime';
import type { Benchmark, Figure, Measurement } from './benchmark.js';
import { checkpointFigures, median } from './checkpoint-figures.js';
import { BenchRedisNamespace } from './redis-namespace.js';

const WARMUPS = 1;
const RUNS = 3;
/** Issue 4, point 10. */
const GOAL_OVERHEAD = 0.1;

interface Run {
  readonly measurement: Measurement;
  readonly checkpoints: CheckpointStats[];
}

interface Pair {
  readonly plain: Run;
  readonly checkpointed: Run;
}

async function runKeyedJob(records: number, keys: number, storage: CheckpointStorage | undefined, jobId: string): Promise<Run> {
  const env = new StreamExecutionEnvironment({ parallelism: 2, jobName: 'bench' });
  if (storage) env.enableCheckpointing(1000);
  env
    .fromSequence(1, records)
    .keyBy((n: number) => n % keys)
    .reduce((a, b) => a + b)
    .sink(new DiscardingSink());
  const jobGraph = env.compile();
  const checkpoints: CheckpointStats[] = [];
  const started = performance.now();
  const execution = new LocalCluster().execute(jobGraph, { jobId, ...(storage ? { checkpointStorage: storage } : {}) });
  execution.onCheckpointCompleted((_, stats) => checkpoints.push(stats));
  const result = await execution.result;
  const millis = performance.now() - started;
  if (result.state !== 'FINISHED') throw new Error(`Benchmark job ${result.state}: ${String(result.failure?.cause ?? result.failure?.message)}`);
  return { measurement: { records, millis }, checkpoints };
}

export function checkpointOverhead(records = 40_000_000, keys = 100_000): Benchmark {
  const pairs: Pair[] = [];
  const namespace = new BenchRedisNamespace('overhead');
  const jobIds: string[] = [];
  let storage: CheckpointStorage | undefined;
  const rate = (r: Run) => (r.measurement.records * 1000) / r.measurement.millis;

  return {
    name: `checkpoint/keyed-${keys / 1000}k-p2-every-1s`,
    description:
      `fromSequence -> keyBy -> reduce -> discard, p=2, ${keys / 1000}k keys, LocalCluster, a checkpoint every 1 s (exactly-once, 1 retained) to Redis; ` +
      `each run is paired with the same job without checkpoints (figures below)`,
    warmups: WARMUPS,
    runs: RUNS,
    async setUp() {
      storage = namespace.checkpointStorage();
    },
    async run() {
      const checkpointed = async () => {
        const jobId = `checkpointed-${pairs.length}`;
        jobIds.push(jobId);
        return runKeyedJob(records, keys, storage, jobId);
      };
      const plain = () => runKeyedJob(records, keys, undefined, `plain-${pairs.length}`);
      // Alternating which goes first cancels a steady drift within the pair.
      const pair: Pair =
        pairs.length % 2 === 0 ? { plain: await plain(), checkpointed: await checkpointed() } : { checkpointed: await checkpointed(), plain: await plain() };
      pairs.push(pair);
      return pair.checkpointed.measurement;
    },
    async tearDown() {
      await storage?.close();
      await namespace.clear(jobIds);
    },
    figures() {
      const measured = pairs.slice(WARMUPS);
      const overheads = measured.map((p) => 1 - rate(p.checkpointed) / rate(p.plain));
      const overhead = median(overheads);
      const figures: Figure[] = [
        { name: 'records/s without checkpoints (paired runs), median', value: median(measured.map((p) => rate(p.plain))) / 1e6, unit: 'M/s' },
        { name: 'records/s with checkpoints every 1 s, median', value: median(measured.map((p) => rate(p.checkpointed))) / 1e6, unit: 'M/s' },
        { name: 'throughput overhead, median of the pairs', value: overhead * 100, unit: '%', goal: `< ${GOAL_OVERHEAD * 100} %`, meetsGoal: overhead < GOAL_OVERHEAD },
        { name: 'throughput overhead, lowest pair', value: Math.min(...overheads) * 100, unit: '%' },
        { name: 'throughput overhead, highest pair', value: Math.max(...overheads) * 100, unit: '%' },
        { name: 'checkpoints completed per run, median', value: median(measured.map((p) => p.checkpointed.checkpoints.length)), unit: '' },
        ...checkpointFigures(measured.flatMap((p) => p.checkpointed.checkpoints)),
      ];
      return figures;
    },
  };
}
