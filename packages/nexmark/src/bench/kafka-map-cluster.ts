/**
 * The Kafka -> map -> Kafka job of kafka-map.ts on a JobManager and two TaskManager processes with one
 * slot each (a core each for the two subtasks; the broker shares them), checkpoints every 1 s to Redis.
 * Timed from submission to FINISHED, as seen by polling the JobManager.
 */
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { KafkaDeliveryGuarantee } from '@sage/connector-kafka';
import { JobClient, planJobFile } from '@sage/cli';
import type { Benchmark, Figure } from './benchmark.js';
import { median } from './checkpoint-figures.js';
import { ClusterProcesses } from './cluster-processes.js';
import { bidJson, GOAL_RECORDS_PER_SECOND, KAFKA_MAP_PARTITIONS, RECORD_BYTES } from './kafka-map.js';
import { BENCH_KAFKA_BROKERS, BenchTopics } from './kafka-topics.js';
import { BENCH_REDIS, BenchRedisNamespace } from './redis-namespace.js';

const jobFile = fileURLToPath(new URL('../../src/bench/jobs/kafka-map.ts', import.meta.url));
const POLL_MS = 20;

export function kafkaMapCluster(guarantee: Exclude<KafkaDeliveryGuarantee, 'none'>, records = 1_000_000): Benchmark {
  const topics = new BenchTopics(`map-2tm-${guarantee}`);
  const namespace = new BenchRedisNamespace(`kafka-${guarantee}`);
  const jobIds: string[] = [];
  const rates: number[] = [];
  let cluster: ClusterProcesses | undefined;
  let client: JobClient | undefined;
  let input = '';

  return {
    name: `kafka/map-p2-${guarantee}-2tm`,
    description: `the kafka/map-p2-${guarantee} job on a JobManager and 2 TaskManager processes × 1 slot, checkpoints every 1 s to Redis; submission to FINISHED`,
    ...(guarantee === 'at-least-once' ? { goalRecordsPerSecond: GOAL_RECORDS_PER_SECOND } : {}),
    warmups: 1,
    runs: 3,
    async setUp() {
      try {
        input = await topics.create(KAFKA_MAP_PARTITIONS);
        await topics.fill(input, KAFKA_MAP_PARTITIONS, records, bidJson);
        cluster = await ClusterProcesses.start({ clusterId: namespace.clusterId, redis: BENCH_REDIS, logLevel: 'info' }, 2, 1);
        client = new JobClient(cluster.address);
      } catch (error) {
        // measure() only tears down after a setUp that succeeded.
        await topics.close();
        throw error;
      }
    },
    async run() {
      const output = await topics.create(KAFKA_MAP_PARTITIONS);
      const job = await planJobFile(jobFile, [BENCH_KAFKA_BROKERS.join(','), input, output, topics.group(), guarantee], { parallelism: 2 });
      const started = performance.now();
      const jobId = await client!.submit({
        jobGraph: job.jobGraph,
        artifact: job.artifact.content,
        artifactHash: job.artifact.hash,
        args: job.args,
        defaultParallelism: 2,
        maxParallelism: job.maxParallelism,
      });
      jobIds.push(jobId);
      const deadline = Date.now() + 300_000;
      for (;;) {
        const details = await client!.get(jobId);
        const state = String(details.summary?.state);
        if (state === 'FINISHED') break;
        if (state === 'FAILED' || state === 'CANCELED') throw new Error(`Benchmark job ${state}: ${details.failure?.message}`);
        if (Date.now() > deadline) throw new Error(`Benchmark job ${jobId} still ${state} after 300 s`);
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
      const millis = performance.now() - started;
      const written = await topics.endOffsetSum(output);
      if (written < records) throw new Error(`Benchmark job wrote ${written} records to ${output}, expected at least ${records}`);
      rates.push((records * 1000) / millis);
      return { records, millis };
    },
    async tearDown() {
      client?.close();
      await cluster?.stop();
      await namespace.clear(jobIds);
      await topics.close();
    },
    figures(): Figure[] {
      const measured = rates.slice(1);
      if (measured.length === 0) return [];
      return [{ name: `input MB/s (${RECORD_BYTES}-byte records), median`, value: (median(measured) * RECORD_BYTES) / 1e6, unit: 'MB/s' }];
    },
  };
}
