import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RestartStrategies, StreamExecutionEnvironment, type RuntimeContext } from '@sage/core';
import { FileCheckpointStorage, LocalCluster } from '@sage/runtime';
import { committedValues, readCommitted, settled } from '../common/read-committed.js';
import { TEST_BROKERS, TestTopics } from '../common/test-topics.js';
import { KafkaSink, type KafkaDeliveryGuarantee } from '../index.js';

const topics = new TestTopics('kafka-sink-job');
afterAll(() => topics.close());

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sage-kafka-sink-job-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Passes numbers on, and throws at `failAt` in the attempts before `healthyFrom` (every attempt when undefined). */
class CrashAt {
  private attempt = 0;
  constructor(
    private readonly failAt: number,
    private readonly healthyFrom: number | undefined,
  ) {}
  open(ctx: RuntimeContext): void {
    this.attempt = ctx.attemptNumber;
  }
  map(n: number): number {
    if (n === this.failAt && (this.healthyFrom === undefined || this.attempt < this.healthyFrom)) throw new Error(`crash at ${n}`);
    return n;
  }
}

/** numbers 0…count-1 at `recordsPerSecond` -> crash -> KafkaSink, at parallelism 2, checkpointing every 50 ms. */
async function runJob(topic: string, guarantee: KafkaDeliveryGuarantee, crash: CrashAt, count: number, restarts: number) {
  const env = new StreamExecutionEnvironment({ jobName: `kafka ${guarantee}`, parallelism: 2 });
  env.enableCheckpointing(50);
  env.setRestartStrategy(restarts === 0 ? RestartStrategies.none() : RestartStrategies.fixedDelay({ attempts: restarts, delayMs: 10 }));
  env
    .fromSequence(0, count - 1, { recordsPerSecond: 10_000 })
    .uid('numbers')
    .map(crash)
    .uid('crash')
    .sink(new KafkaSink<number>({ brokers: TEST_BROKERS, topic, serializer: (n) => String(n), keySelector: (n) => String(n % 13), deliveryGuarantee: guarantee }))
    .uid('kafka');
  const storage = new FileCheckpointStorage(join(dir, 'checkpoints'));
  try {
    const execution = new LocalCluster({ batchSize: 16 }).execute(env.compile(), { checkpointStorage: storage });
    let checkpoints = 0;
    execution.onCheckpointCompleted(() => checkpoints++);
    return { result: await execution.result, checkpoints: () => checkpoints };
  } finally {
    await storage.close();
  }
}

const numbers = (values: string[]) => values.map(Number).sort((a, b) => a - b);
const upTo = (count: number) => Array.from({ length: count }, (_, i) => i);

describe('KafkaSink in a LocalCluster job', () => {
  it('writes exactly-once through a crash mid-stream: a read_committed reader sees each record once', async () => {
    const topic = await topics.create(3);
    const count = 20_000;
    const { result, checkpoints } = await runJob(topic, 'exactly-once', new CrashAt(12_000, 1), count, 2);
    expect(result.state).toBe('FINISHED');
    expect(result.restarts).toBe(1);
    expect(checkpoints()).toBeGreaterThan(2);
    const view = await readCommitted(TEST_BROKERS, topic);
    expect(numbers(committedValues(view))).toEqual(upTo(count));
    // Nothing the crashed attempt wrote is left open to hold readers back.
    expect(settled(view)).toBe(true);
  });

  it('keeps exactly the records of completed checkpoints, each once, when the job fails for good', async () => {
    const topic = await topics.create(2);
    const count = 20_000;
    const { result, checkpoints } = await runJob(topic, 'exactly-once', new CrashAt(12_000, undefined), count, 0);
    expect(result.state).toBe('FAILED');
    expect(checkpoints()).toBeGreaterThan(2);
    const view = await readCommitted(TEST_BROKERS, topic);
    const committed = numbers(committedValues(view));
    // Checkpoints completed before the crash: their records are visible, once each, and nothing from after the crash.
    expect(committed.length).toBeGreaterThan(0);
    expect(new Set(committed).size).toBe(committed.length);
    expect(committed.every((n) => n < count)).toBe(true);
    expect(committed).not.toContain(12_000);
    // The transaction prepared for the checkpoint in flight at the crash stays open (its checkpoint
    // might have completed: only a restore may decide) until a restart fences it or the broker's
    // transaction timeout ends it; the failed writers aborted the rest.
  });

  it('writes every record at least once through a crash with at-least-once', async () => {
    const topic = await topics.create(3);
    const count = 20_000;
    const { result } = await runJob(topic, 'at-least-once', new CrashAt(12_000, 1), count, 2);
    expect(result.state).toBe('FINISHED');
    const values = committedValues(await readCommitted(TEST_BROKERS, topic));
    expect([...new Set(numbers(values))]).toEqual(upTo(count));
  });
});
