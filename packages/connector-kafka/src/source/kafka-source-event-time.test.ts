/**
 * Event time from Kafka, against the real broker: record timestamps are the records' event time,
 * each partition has its own watermark generator, an idle partition stops holding the watermark back
 * only with withIdleness, and a record's timestamp survives Kafka → job → KafkaSink → Kafka.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  KeyedProcessFunction,
  StreamExecutionEnvironment,
  ValueStateDescriptor,
  WatermarkStrategy,
  type Collector,
  type KeyedProcessContext,
  type OnTimerContext,
  type RuntimeContext,
  type Sink,
  type SinkWriter,
  type ValueState,
} from '@sage/core';
import { FileCheckpointStorage, LocalCluster, type JobExecution } from '@sage/runtime';
import { readCommitted } from '../common/read-committed.js';
import { TestTopics, TEST_BROKERS } from '../common/test-topics.js';
import { KafkaSink, type KafkaDeliveryGuarantee } from '../index.js';
import { KafkaSource } from './kafka-source.js';

const topics = new TestTopics('sources-helper');
let dir: string;
let storage: FileCheckpointStorage;
const running: JobExecution[] = [];

beforeAll(() => topics.connect());
afterAll(() => topics.close());
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sage-sources-helper-'));
  storage = new FileCheckpointStorage(dir);
});
afterEach(async () => {
  for (const execution of running.splice(0)) {
    execution.cancel();
    await execution.result;
  }
  await storage.close();
  await rm(dir, { recursive: true, force: true });
});

const FAST = { sessionTimeoutMs: 6000, heartbeatIntervalMs: 200, rebalanceTimeoutMs: 6000, maxWaitTimeMs: 100 } as const;

async function waitFor(what: string, condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Every record as soon as the writer gets it: the jobs here never end, so nothing waits for a commit. */
class ImmediateSink implements Sink<string> {
  readonly name = 'Immediate';
  readonly lines: string[] = [];

  createWriter(): SinkWriter<string> {
    return {
      write: (line) => {
        this.lines.push(line);
      },
      prepareCommit: async () => [],
      close: async () => {},
    };
  }
}

/** An epoch millisecond on a 10 s boundary: the first event of the topic. */
const T = 1_700_000_000_000;
const BUCKET_MS = 10_000;
const OUT_OF_ORDERNESS_MS = 1_000;
/** Records the keyed function has seen, across its subtasks (the job runs in this process). */
let seen = 0;
let probeAfter = Number.POSITIVE_INFINITY;

/**
 * Counts records per key and 10 s bucket and reports each bucket once the watermark passes its end.
 * Once it has seen `probeAfter` records it sets a processing-time timer a second later, which
 * reports the watermark then: what event time the source let through once all was read.
 */
class BucketCounts extends KeyedProcessFunction<string, string, string> {
  private counts!: ValueState<Record<string, number>>;

  override open(ctx: RuntimeContext): void {
    this.counts = ctx.getState(new ValueStateDescriptor<Record<string, number>>('counts'));
  }

  processElement(key: string, ctx: KeyedProcessContext<string>, _out: Collector<string>): void {
    const end = Math.floor(ctx.timestamp()! / BUCKET_MS) * BUCKET_MS + BUCKET_MS - 1;
    const counts = this.counts.value() ?? {};
    counts[end] = (counts[end] ?? 0) + 1;
    this.counts.update(counts);
    ctx.timerService().registerEventTimeTimer(end);
    if (++seen === probeAfter) ctx.timerService().registerProcessingTimeTimer(ctx.timerService().currentProcessingTime() + 1_000);
  }

  override onTimer(timestamp: number, ctx: OnTimerContext<string>, out: Collector<string>): void {
    if (ctx.timeDomain() === 'PROCESSING_TIME') {
      out.collect(`probe@${ctx.timerService().currentWatermark() - T}`);
      return;
    }
    const counts = this.counts.value()!;
    out.collect(`${ctx.getCurrentKey()}@${timestamp - T}:${counts[timestamp]}`);
    delete counts[timestamp];
    this.counts.update(counts);
  }
}

interface Produced {
  readonly partition: number;
  readonly key: string;
  readonly ts: number;
}

/** Record `i` of a partition: one a second of event time on each, partition p p×300 ms later. */
function steady(i: number, partition: number): Produced {
  return { partition, key: `k${(i + partition) % 3}`, ts: T + i * 1_000 + partition * 300 };
}

async function produce(topic: string, records: readonly Produced[]): Promise<void> {
  await topics.produce(
    topic,
    records.map((r) => ({ partition: r.partition, value: r.key, timestamp: r.ts })),
  );
}

/** Partitions 0 and 1 get 40 records each, up to T+39.5 s; partition 2 gets one record at T and then nothing. */
async function produceWithQuietPartition(topic: string): Promise<{ records: Produced[] }> {
  const records: Produced[] = [{ partition: 2, key: 'k0', ts: T }];
  for (let i = 0; i < 40; i++) records.push(steady(i, 0), steady(i, 1));
  await produce(topic, records);
  return { records };
}

/**
 * Partition 2 gets one record at T (or, unless `quiet`, as much as the others); partitions 0 and 1
 * get a record each every few milliseconds, in event-time order, until `done()`: they stay active
 * while partition 2 stays quiet.
 */
async function produceUntil(topic: string, quiet: boolean, done: () => boolean): Promise<Produced[]> {
  const records: Produced[] = quiet ? [{ partition: 2, key: 'k0', ts: T }] : [];
  await produce(topic, records);
  for (let i = 0; !done(); i++) {
    if (i >= 2_000) throw new Error('no bucket fired after 2000 records a partition');
    const step = quiet ? [steady(i, 0), steady(i, 1)] : [steady(i, 0), steady(i, 1), steady(i, 2)];
    await produce(topic, step);
    records.push(...step);
  }
  return records;
}

/** The buckets that end at or below `watermark`, each key's count: what the job must report. */
function expectedBuckets(records: readonly { key: string; ts: number }[], watermark: number): string[] {
  const counts = new Map<string, number>();
  for (const r of records) {
    const end = Math.floor(r.ts / BUCKET_MS) * BUCKET_MS + BUCKET_MS - 1;
    if (end > watermark) continue;
    const line = `${r.key}@${end - T}`;
    counts.set(line, (counts.get(line) ?? 0) + 1);
  }
  return [...counts].map(([line, count]) => `${line}:${count}`).sort();
}

/** A bucket line is right when its count is that of every record of its key and bucket. */
function expectExactBuckets(lines: readonly string[], records: readonly { key: string; ts: number }[]): void {
  expect(new Set(lines).size).toBe(lines.length);
  const all = new Set(expectedBuckets(records, Number.POSITIVE_INFINITY));
  for (const line of lines) expect(all).toContain(line);
}

/** The first three buckets of every key have fired. */
function firstBucketsFired(sink: ImmediateSink): boolean {
  return sink.lines.filter((l) => /@(9999|19999|29999):/.test(l)).length === 9;
}

function startBucketJob(topic: string, strategy: WatermarkStrategy<string>): ImmediateSink {
  const env = new StreamExecutionEnvironment({ jobName: 'sources-helper buckets', parallelism: 1 });
  env.getConfig().setAutoWatermarkInterval(50);
  const sink = new ImmediateSink();
  env
    .fromSource(new KafkaSource<string>({ brokers: TEST_BROKERS, topics: [topic], groupId: topics.group(), consumer: FAST, startingOffsets: 'earliest' }), strategy)
    .keyBy((key) => key)
    .process(new BucketCounts())
    .sink(sink);
  running.push(new LocalCluster().execute(env.compile(), { checkpointStorage: storage }));
  return sink;
}

describe('KafkaSource event time', () => {
  beforeEach(() => {
    seen = 0;
    probeAfter = 81;
  });

  it('fires event-time timers while one partition gets no data, with withIdleness', async () => {
    probeAfter = Number.POSITIVE_INFINITY;
    const topic = await topics.create(3);
    const sink = startBucketJob(topic, WatermarkStrategy.forBoundedOutOfOrderness<string>(OUT_OF_ORDERNESS_MS).withIdleness(500));
    const records = await produceUntil(topic, true, () => firstBucketsFired(sink));
    expectExactBuckets(sink.lines, records);
  });

  it('holds event time back at the quiet partition without withIdleness, until it gets data', async () => {
    const topic = await topics.create(3);
    const { records } = await produceWithQuietPartition(topic);
    const sink = startBucketJob(topic, WatermarkStrategy.forBoundedOutOfOrderness<string>(OUT_OF_ORDERNESS_MS));
    // A second after everything was read, event time is still where partition 2's only record put it.
    await waitFor('the probe has reported the watermark', () => sink.lines.length > 0);
    expect(sink.lines).toEqual([`probe@${-OUT_OF_ORDERNESS_MS - 1}`]);
    // One record far ahead on partition 2: the watermark moves to the lower of partitions 0 and 1.
    await topics.produce(topic, [{ partition: 2, value: 'k1', timestamp: T + 100_000 }]);
    const expected = expectedBuckets(records, T + 39_000 - OUT_OF_ORDERNESS_MS - 1);
    await waitFor('every bucket below the watermark has fired', () => sink.lines.length >= 1 + expected.length);
    expect(sink.lines.slice(1).sort()).toEqual(expected);
  });

  it('does not wait for a source subtask that owns no partition', async () => {
    // Parallelism 4 over 3 partitions, every partition busy and no withIdleness: the subtask that owns
    // no partition says it is idle, or no bucket would ever fire.
    probeAfter = Number.POSITIVE_INFINITY;
    const topic = await topics.create(3);
    const env = new StreamExecutionEnvironment({ jobName: 'sources-helper no split', parallelism: 4 });
    env.getConfig().setAutoWatermarkInterval(50);
    const sink = new ImmediateSink();
    env
      .fromSource(
        new KafkaSource<string>({ brokers: TEST_BROKERS, topics: [topic], groupId: topics.group(), consumer: FAST, startingOffsets: 'earliest' }),
        WatermarkStrategy.forBoundedOutOfOrderness<string>(OUT_OF_ORDERNESS_MS),
      )
      .keyBy((key) => key)
      .process(new BucketCounts())
      .setParallelism(1)
      .sink(sink);
    running.push(new LocalCluster().execute(env.compile(), { checkpointStorage: storage }));
    const records = await produceUntil(topic, false, () => firstBucketsFired(sink));
    expectExactBuckets(sink.lines, records);
  });
});

describe('Kafka record timestamps through a job', () => {
  it.each<KafkaDeliveryGuarantee>(['at-least-once', 'exactly-once'])('are written back by the KafkaSink, %s', async (guarantee) => {
    const input = await topics.create(2);
    const output = await topics.create(1);
    const sent = Array.from({ length: 50 }, (_, i) => ({ partition: i % 2, value: `v${i}`, timestamp: T + 7 * i }));
    await topics.produce(input, sent);
    const env = new StreamExecutionEnvironment({ jobName: 'sources-helper timestamps', parallelism: 2 });
    env.enableCheckpointing(100);
    env
      .fromSource(new KafkaSource<string>({ brokers: TEST_BROKERS, topics: [input], groupId: topics.group(), consumer: FAST, startingOffsets: 'earliest', bounded: true }))
      .map((v) => v.toUpperCase())
      .sink(new KafkaSink<string>({ brokers: TEST_BROKERS, topic: output, serializer: (v) => v, deliveryGuarantee: guarantee }));
    const execution = new LocalCluster().execute(env.compile(), { checkpointStorage: storage });
    running.push(execution);
    const result = await execution.result;
    if (result.state !== 'FINISHED') throw result.failure ?? new Error(`job ended ${result.state}`);
    const written = (await readCommitted(TEST_BROKERS, output)).records.map((r) => `${r.value!.toString('utf8')}@${r.timestamp - T}`);
    expect(written.sort()).toEqual(sent.map((m) => `${m.value.toUpperCase()}@${m.timestamp - T}`).sort());
  });
});
