/**
 * Kafka -> map -> Kafka (issue 5, point 7): a bounded KafkaSource of 200-byte JSON records -> a map
 * (Nexmark q1's currency conversion) -> KafkaSink, JSON both ways, at p=2 in a LocalCluster with a
 * checkpoint every second, at-least-once or exactly-once. The input topic is filled once before the
 * runs (not timed); each run reads it from the start in a group of its own into a fresh output topic,
 * and is timed from execute() to FINISHED, so it includes the consumers' group join (a figure below).
 * Every topic and group is deleted after the runs.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { StreamExecutionEnvironment } from '@sage/core';
import { KafkaSink, KafkaSource, type KafkaDeliveryGuarantee } from '@sage/connector-kafka';
import { FileCheckpointStorage, LocalCluster } from '@sage/runtime';
import type { Benchmark, Figure, Measurement } from './benchmark.js';
import { median } from './checkpoint-figures.js';
import { type Bid, toEuros } from './jobs/kafka-map.js';
import { BENCH_KAFKA_BROKERS, BenchTopics } from './kafka-topics.js';

/** Issue 5, point 7, for at-least-once. */
export const GOAL_RECORDS_PER_SECOND = 200_000;
export const RECORD_BYTES = 200;
export const KAFKA_MAP_PARTITIONS = 4;

/** Record `i` as JSON of exactly RECORD_BYTES bytes (ASCII), its `extra` padding it out. */
export function bidJson(i: number): string {
  const bid = { auction: 1000 + (i % 10_007), bidder: 2000 + ((i * 7) % 100_003), price: 100 + ((i * 13) % 99_991), channel: `channel-${i % 1000}`, dateTime: 1_700_000_000_000 + i, extra: '' };
  const json = JSON.stringify(bid);
  return json.replace('"extra":""', `"extra":"${'x'.repeat(RECORD_BYTES - json.length)}"`);
}

interface Run {
  readonly measurement: Measurement;
  readonly checkpoints: number;
  /** The slowest source subtask's time from start() to its first group join. */
  readonly startupMs: number;
}

export function kafkaMap(guarantee: Exclude<KafkaDeliveryGuarantee, 'none'>, records = 1_000_000): Benchmark {
  const topics = new BenchTopics(`map-${guarantee}`);
  const runs: Run[] = [];
  let input = '';
  let checkpointDir = '';

  return {
    name: `kafka/map-p2-${guarantee}`,
    description:
      `KafkaSource (bounded, json, ${KAFKA_MAP_PARTITIONS} partitions) -> map -> KafkaSink (json, ${guarantee}), p=2, LocalCluster, a checkpoint every 1 s; ` +
      `${RECORD_BYTES}-byte records on the local broker; timed from start to FINISHED (figures below)`,
    ...(guarantee === 'at-least-once' ? { goalRecordsPerSecond: GOAL_RECORDS_PER_SECOND } : {}),
    warmups: 1,
    runs: 3,
    async setUp() {
      checkpointDir = mkdtempSync(join(tmpdir(), 'sage-bench-kafka-'));
      try {
        input = await topics.create(KAFKA_MAP_PARTITIONS);
        await topics.fill(input, KAFKA_MAP_PARTITIONS, records, bidJson);
      } catch (error) {
        // measure() only tears down after a setUp that succeeded.
        await this.tearDown!();
        throw error;
      }
    },
    async run() {
      const output = await topics.create(KAFKA_MAP_PARTITIONS);
      const source = new KafkaSource<Bid>({ brokers: BENCH_KAFKA_BROKERS, topics: [input], groupId: topics.group(), bounded: true, deserializer: 'json' });
      const env = new StreamExecutionEnvironment({ parallelism: 2, jobName: `bench kafka map ${guarantee}` });
      env.enableCheckpointing(1000);
      env
        .fromSource(source, { uid: 'bids' })
        .map(toEuros)
        .uid('euros')
        .sink(new KafkaSink<Bid>({ brokers: BENCH_KAFKA_BROKERS, topic: output, serializer: 'json', deliveryGuarantee: guarantee }))
        .uid('out');
      const storage = new FileCheckpointStorage(join(checkpointDir, String(runs.length)));
      let checkpoints = 0;
      try {
        const started = performance.now();
        const execution = new LocalCluster().execute(env.compile(), { jobId: `bench-kafka-${guarantee}-${runs.length}-${Date.now()}`, checkpointStorage: storage });
        execution.onCheckpointCompleted(() => checkpoints++);
        const result = await execution.result;
        const millis = performance.now() - started;
        if (result.state !== 'FINISHED') throw new Error(`Benchmark job ${result.state}: ${String(result.failure?.cause ?? result.failure?.message)}`);
        const written = await topics.endOffsetSum(output);
        if (written < records) throw new Error(`Benchmark job wrote ${written} records to ${output}, expected at least ${records}`);
        const startupMs = Math.max(...source.readerMetrics().map((m) => m.startupMs ?? 0));
        runs.push({ measurement: { records, millis }, checkpoints, startupMs });
        return { records, millis };
      } finally {
        await storage.close();
      }
    },
    async tearDown() {
      await topics.close();
      if (checkpointDir) rmSync(checkpointDir, { recursive: true, force: true });
    },
    figures(): Figure[] {
      const measured = runs.slice(1);
      if (measured.length === 0) return [];
      const rate = (r: Run) => (r.measurement.records * 1000) / r.measurement.millis;
      const afterJoin = (r: Run) => (r.measurement.records * 1000) / (r.measurement.millis - r.startupMs);
      return [
        { name: `input MB/s (${RECORD_BYTES}-byte records), median`, value: (median(measured.map(rate)) * RECORD_BYTES) / 1e6, unit: 'MB/s' },
        { name: 'source group join (start() to first join, slowest subtask), median', value: median(measured.map((r) => r.startupMs)), unit: 'ms' },
        { name: 'records/s after the group join, median', value: median(measured.map(afterJoin)) / 1e3, unit: 'k/s' },
        { name: 'checkpoints completed per run, median', value: median(measured.map((r) => r.checkpoints)), unit: '' },
      ];
    },
  };
}
