/**
 * KafkaSource in whole jobs run by a LocalCluster, against the real broker: parallel reads, a crash
 * and restart from a checkpoint, a rescaled restore from a savepoint, backpressure from a slow sink,
 * and decode failures routed to a side output.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { OutputTag, RestartStrategies, StreamExecutionEnvironment, type RuntimeContext, type Sink, type SinkWriter } from '@sage/core';
import { CollectSink, FileCheckpointStorage, LocalCluster, type JobExecution, type JobResult } from '@sage/runtime';
import { TestTopics, TEST_BROKERS } from '../common/test-topics.js';
import { routeDecodeFailures, type DecodeFailure } from './deserializers.js';
import { KafkaSource } from './kafka-source.js';
import type { KafkaSourceOptions } from './options.js';

const topics = new TestTopics('job');
let dir: string;
let storage: FileCheckpointStorage;
const running: JobExecution[] = [];

beforeAll(() => topics.connect());
afterAll(() => topics.close());
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sage-kafka-job-'));
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

function source(topic: string, groupId: string, options: Partial<KafkaSourceOptions> = {}): KafkaSource<string> {
  return new KafkaSource<string>({ brokers: TEST_BROKERS, topics: [topic], groupId, consumer: FAST, ...options });
}

function execute(env: StreamExecutionEnvironment, options: Parameters<LocalCluster['execute']>[1] = {}): JobExecution {
  const execution = new LocalCluster().execute(env.compile(), { checkpointStorage: storage, ...options });
  running.push(execution);
  return execution;
}

async function waitFor(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const sum = (offsets: Map<number, number>) => [...offsets.values()].reduce((n, o) => n + Math.max(o, 0), 0);

function expectFinished(result: JobResult): void {
  if (result.state !== 'FINISHED') throw result.failure ?? new Error(`job ended ${result.state}`);
}

const sorted = (values: readonly string[]) => [...values].sort();

/** Throws at record `failAt` in the job's first attempt: a crash in the middle of the topic. */
class CrashInFirstAttempt {
  private attempt = 0;
  constructor(private readonly failAt: string) {}
  open(ctx: RuntimeContext): void {
    this.attempt = ctx.attemptNumber;
  }
  map(value: string): string {
    if (value === this.failAt && this.attempt === 0) throw new Error(`crash at ${value}`);
    return value;
  }
}

/** A sink that takes nothing until `open()`: the job behind it is backpressured all the way to Kafka. */
class GatedSink implements Sink<string> {
  readonly name = 'Gated';
  readonly values: string[] = [];
  private opened = false;
  private release!: () => void;
  private readonly gate = new Promise<void>((resolve) => (this.release = resolve));

  open(): void {
    this.opened = true;
    this.release();
  }

  createWriter(): SinkWriter<string> {
    return {
      write: (value) => void this.values.push(value),
      isAvailable: () => this.opened,
      whenAvailable: () => this.gate,
      prepareCommit: async () => [],
      close: async () => {},
    };
  }
}

describe('KafkaSource in a LocalCluster job', () => {
  it('reads a 6-partition topic at parallelism 3 into a sink, every record exactly once', async () => {
    const topic = await topics.create(6);
    const expected = await topics.produceNumbered(topic, 6, 3000);
    const sink = new CollectSink<string>();
    const env = new StreamExecutionEnvironment({ jobName: 'kafka p3', parallelism: 3 });
    env.fromSource(source(topic, topics.group(), { bounded: true }), { uid: 'kafka' }).sink(sink).uid('out');
    expectFinished(await execute(env).result);
    expect(sorted(sink.values)).toEqual(sorted(expected));
    expect(sink.committed.size).toBe(3);
  });

  it('restarts after a crash mid-topic from the checkpointed offsets, and the sink gets every record exactly once', async () => {
    const topic = await topics.create(4);
    const group = topics.group();
    const first = await topics.produceNumbered(topic, 4, 600);
    const sink = new CollectSink<string>();
    const env = new StreamExecutionEnvironment({ jobName: 'kafka crash', parallelism: 2 });
    env.enableCheckpointing(50);
    env.setRestartStrategy(RestartStrategies.fixedDelay({ attempts: 2, delayMs: 10 }));
    env
      .fromSource(source(topic, group), { uid: 'kafka' })
      .map(new CrashInFirstAttempt('r-900'))
      .uid('crash')
      .sink(sink)
      .uid('out');
    const execution = execute(env);
    // The first 600 are committed by the sink, so a checkpoint covers them; the crash comes later.
    await waitFor('the sink has the first 600 records', () => sink.values.length === 600);
    const second = await topics.produceNumbered(topic, 4, 600, 'r', 600);
    await waitFor('the sink has all 1200 records after the restart', () => sink.values.length >= 1200);
    expect(execution.restarts).toBe(1);
    expect(sorted(sink.values)).toEqual(sorted([...first, ...second]));
    // Checkpoints go on while the job idles; one of them commits the final offsets to the group.
    await waitFor('the group has offsets for all 1200 records', async () => sum(await topics.committedOffsets(group, topic)) === 1200);
  });

  it('commits group offsets that trail the completed checkpoints: never ahead of what the sink committed', async () => {
    const topic = await topics.create(3);
    const group = topics.group();
    const sink = new CollectSink<string>();
    const env = new StreamExecutionEnvironment({ jobName: 'kafka commits', parallelism: 3 });
    env.enableCheckpointing(30);
    const kafka = source(topic, group, { maxBufferedRecords: 50 });
    env.fromSource(kafka, { uid: 'kafka' }).sink(sink).uid('out');
    execute(env);
    await waitFor('every reader joined its group', () => kafka.readerMetrics().length === 3 && kafka.readerMetrics().every((m) => m.groupJoins > 0));
    const samples: { group: number; sink: number }[] = [];
    let producing = true;
    // The source commits a checkpoint's offsets after the sink (chained in the same task) committed its output.
    const sampled = waitFor('the group has offsets for all 2000 records', async () => {
      const committed = sum(await topics.committedOffsets(group, topic));
      samples.push({ group: committed, sink: sink.values.length });
      return !producing && committed === 2000;
    });
    for (let batch = 1; batch <= 20; batch++) {
      await topics.produceNumbered(topic, 3, 100, 'r', (batch - 1) * 100);
      // Each batch goes through a completed checkpoint before the next is written, so the offsets move in steps.
      await waitFor(`the sink has ${batch * 100} records`, () => sink.values.length >= batch * 100);
    }
    producing = false;
    await sampled;
    expect(samples.filter((s) => s.group > s.sink)).toEqual([]);
    expect(new Set(samples.map((s) => s.group)).size).toBeGreaterThan(2);
    expect(sink.values).toHaveLength(2000);
  });

  it('resumes from a savepoint at parallelism 2 what a parallelism 3 job left, every record exactly once', async () => {
    const topic = await topics.create(5);
    const group = topics.group();
    const build = (parallelism: number, sink: CollectSink<string>) => {
      const env = new StreamExecutionEnvironment({ jobName: 'kafka rescale', parallelism });
      env.enableCheckpointing(50);
      env.fromSource(source(topic, group), { uid: 'kafka' }).sink(sink).uid('out');
      return env;
    };
    const before = await topics.produceNumbered(topic, 5, 1000);
    const firstSink = new CollectSink<string>();
    const first = execute(build(3, firstSink));
    await waitFor('the p=3 job has the first 1000 records', () => firstSink.values.length === 1000);
    const savepoint = await first.stopWithSavepoint();
    // Stop-with-savepoint commits the savepoint's offsets to the group before the job ends.
    expect(sum(await topics.committedOffsets(group, topic))).toBe(1000);

    const after = await topics.produceNumbered(topic, 5, 1000, 'r', 1000);
    const secondSink = new CollectSink<string>();
    const second = execute(build(2, secondSink), { restoreFrom: savepoint });
    await waitFor('the p=2 job has the next 1000 records', () => secondSink.values.length >= 1000);
    expect(sorted(secondSink.values)).toEqual(sorted(after));
    expect(sorted([...firstSink.values, ...secondSink.values])).toEqual(sorted([...before, ...after]));
    expect(second.restarts).toBe(0);
  });

  it('holds at most maxBufferedRecords per subtask while a slow sink backpressures the job, and loses nothing', async () => {
    const topic = await topics.create(4);
    const expected = await topics.produceNumbered(topic, 4, 4000);
    const sink = new GatedSink();
    const kafka = source(topic, topics.group(), { bounded: true, maxBufferedRecords: 300 });
    const env = new StreamExecutionEnvironment({ jobName: 'kafka backpressure', parallelism: 2 });
    env.fromSource(kafka, { uid: 'kafka' }).sink(sink).uid('out');
    const execution = execute(env);
    await waitFor('both readers paused fetching', () => kafka.readerMetrics().length === 2 && kafka.readerMetrics().every((m) => m.backpressurePauses > 0));
    for (const metrics of kafka.readerMetrics()) {
      expect(metrics.bufferedRecords).toBeLessThanOrEqual(300);
      expect(metrics.pausedPartitions).toBe(metrics.partitions);
    }
    sink.open();
    expectFinished(await execution.result);
    expect(sorted(sink.values)).toEqual(sorted(expected));
    for (const metrics of kafka.readerMetrics()) expect(metrics.peakBufferedRecords).toBeLessThanOrEqual(300);
  });

  it('routes undecodable records to a side output with onDecodeError emit and routeDecodeFailures', async () => {
    const topic = await topics.create(2);
    await topics.produce(
      topic,
      Array.from({ length: 100 }, (_, i) => ({ partition: i % 2, value: i % 10 === 3 ? `{"broken": ${i}` : JSON.stringify({ i }) })),
    );
    const good = new CollectSink<{ i: number }>();
    const bad = new CollectSink<DecodeFailure>();
    const tag = new OutputTag<DecodeFailure>('undecodable');
    const env = new StreamExecutionEnvironment({ jobName: 'kafka dead letters', parallelism: 2 });
    const records = env
      .fromSource(new KafkaSource<{ i: number } | DecodeFailure>({ brokers: TEST_BROKERS, topics: [topic], groupId: topics.group(), consumer: FAST, bounded: true, deserializer: 'json', onDecodeError: 'emit' }), { uid: 'kafka' })
      .process(routeDecodeFailures<{ i: number }>(tag))
      .uid('route');
    records.sink(good).uid('good');
    records.getSideOutput(tag).sink(bad).uid('bad');
    expectFinished(await execute(env).result);
    expect(good.values.map((r) => r.i).sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i).filter((i) => i % 10 !== 3));
    expect(bad.values.map((f) => f.value!.toString()).sort()).toEqual(Array.from({ length: 10 }, (_, k) => `{"broken": ${k * 10 + 3}`).sort());
    expect(bad.values.every((f) => f.kind === 'KafkaDecodeFailure' && /JSON/.test(f.error))).toBe(true);
  });
});
