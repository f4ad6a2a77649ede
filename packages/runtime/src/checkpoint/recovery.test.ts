import { writeFileSync } from 'node:fs';
import { mkdtemp, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  RestartStrategies,
  StreamExecutionEnvironment,
  type RuntimeContext,
} from '@sage/core';
import { LocalCluster, type JobResult } from '../cluster/local-cluster.js';
import { SlowSequence } from '../testing/slow-sequence.js';
import { CollectSink } from '../testing/collect-sink.js';
import { FileCheckpointStorage } from './file-checkpoint-storage.js';
import type { CompletedCheckpoint } from './checkpoint-storage.js';

/** Throws at `failAt` in the given attempts: a crash in the middle of the stream. */
class FailOnce {
  private attempt = 0;
  constructor(
    private readonly failAt: number,
    private readonly failingAttempts: readonly number[],
  ) {}
  open(ctx: RuntimeContext): void {
    this.attempt = ctx.attemptNumber;
  }
  map(value: number): number {
    if (value === this.failAt && this.failingAttempts.includes(this.attempt)) throw new Error(`crash at ${value}`);
    return value;
  }
}

function keyedSumJob(
  sink: CollectSink<[number, number]>,
  options: { count: number; parallelism: number; failAt?: number; failingAttempts?: number[]; mode?: 'exactly-once' | 'at-least-once' },
) {
  const env = new StreamExecutionEnvironment({ jobName: 'keyed sums', parallelism: options.parallelism });
  env.enableCheckpointing(20, { retained: 3, mode: options.mode ?? 'exactly-once' });
  env.setRestartStrategy(RestartStrategies.fixedDelay({ attempts: 3, delayMs: 10 }));
  env
    .fromSource(new SlowSequence(options.count), { uid: 'numbers' })
    .map(new FailOnce(options.failAt ?? -1, options.failingAttempts ?? []))
    .uid('crash')
    .keyBy((n) => n % 7)
    .map((n): [number, number] => [n % 7, n])
    .uid('pair')
    .keyBy(([k]) => k)
    .reduce(([k, a], [, b]): [number, number] => [k, a + b])
    .uid('sums')
    .sink(sink)
    .uid('out');
  return env.compile();
}

/**
 * Per key, how many running sums were emitted and the largest: with two source subtasks the order of
 * a key's inputs (and so its intermediate sums) varies between runs, but not these two. One record
 * lost or repeated changes both.
 */
function sumsByKey(values: readonly [number, number][]): Map<number, { emitted: number; total: number }> {
  const byKey = new Map<number, { emitted: number; total: number }>();
  for (const [key, sum] of values) {
    const entry = byKey.get(key) ?? { emitted: 0, total: 0 };
    byKey.set(key, { emitted: entry.emitted + 1, total: Math.max(entry.total, sum) });
  }
  return byKey;
}

let dir: string;
let storage: FileCheckpointStorage;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sage-recovery-'));
  storage = new FileCheckpointStorage(dir);
});
afterEach(async () => storage.close());

async function expectFinished(result: JobResult): Promise<void> {
  if (result.state !== 'FINISHED') throw result.failure ?? new Error(result.state);
}

describe('exactly-once recovery in a LocalCluster', () => {
  it('restarts from the latest checkpoint after a crash and commits every record exactly once', async () => {
    const expected = new CollectSink<[number, number]>();
    await expectFinished(await new LocalCluster({ batchSize: 16 }).execute(keyedSumJob(expected, { count: 4000, parallelism: 2 }), { checkpointStorage: storage }).result);

    const sink = new CollectSink<[number, number]>();
    const execution = new LocalCluster({ batchSize: 16 }).execute(keyedSumJob(sink, { count: 4000, parallelism: 2, failAt: 3100, failingAttempts: [0] }), {
      checkpointStorage: storage,
    });
    const completed: number[] = [];
    execution.onCheckpointCompleted((c) => completed.push(c.checkpointId));
    const result = await execution.result;
    await expectFinished(result);
    expect(result.restarts).toBe(1);
    expect(completed.length).toBeGreaterThan(1);
    expect(sink.values).toHaveLength(4000);
    expect(sumsByKey(sink.values)).toEqual(sumsByKey(expected.values));
  });

  it('loses nothing in at-least-once mode, where barriers are not aligned', async () => {
    const expected = new CollectSink<[number, number]>();
    await expectFinished(await new LocalCluster({ batchSize: 16 }).execute(keyedSumJob(expected, { count: 4000, parallelism: 2 }), { checkpointStorage: storage }).result);
    const sink = new CollectSink<[number, number]>();
    const result = await new LocalCluster({ batchSize: 16 }).execute(
      keyedSumJob(sink, { count: 4000, parallelism: 2, failAt: 3100, failingAttempts: [0], mode: 'at-least-once' }),
      { checkpointStorage: storage },
    ).result;
    await expectFinished(result);
    expect(result.restarts).toBe(1);
    // Records after a barrier may be counted in the snapshot and again after the restore: at least once.
    const got = sumsByKey(sink.values);
    for (const [key, { emitted, total }] of sumsByKey(expected.values)) {
      expect(got.get(key)!.emitted).toBeGreaterThanOrEqual(emitted);
      expect(got.get(key)!.total).toBeGreaterThanOrEqual(total);
    }
  });

  it('fails with its cause once the restart strategy is exhausted', async () => {
    const sink = new CollectSink<[number, number]>();
    const result = await new LocalCluster().execute(keyedSumJob(sink, { count: 2000, parallelism: 1, failAt: 1500, failingAttempts: [0, 1, 2, 3] }), {
      checkpointStorage: storage,
    }).result;
    expect(result.state).toBe('FAILED');
    expect(result.restarts).toBe(3);
    expect(result.failure?.message).toMatch(/crash at 1500/);
  });

  it('falls back to the previous checkpoint when the newest one is corrupt', async () => {
    const sink = new CollectSink<[number, number]>();
    const jobId = 'corrupt-job';
    const execution = new LocalCluster({ batchSize: 16 }).execute(keyedSumJob(sink, { count: 4000, parallelism: 2, failAt: 3100, failingAttempts: [0] }), {
      checkpointStorage: storage,
      jobId,
      log: {
        info() {},
        warn: (_fields, message) => {
          warnings.push(message);
          // The crash happened: damage the newest checkpoint before the restart reads it.
          if (/restarting in/.test(message)) damage(newest!);
        },
      },
    });
    const warnings: string[] = [];
    let newest: CompletedCheckpoint | undefined;
    execution.onCheckpointCompleted((checkpoint) => (newest = checkpoint));
    const damage = (checkpoint: CompletedCheckpoint) => {
      for (const op of Object.values(checkpoint.operators)) for (const h of Object.values(op.subtasks)) writeFileSync(h.uri, 'garbage');
    };
    const result = await execution.result;
    await expectFinished(result);
    expect(warnings.some((w) => /cannot be restored .*corrupt.*falling back/.test(w))).toBe(true);
    // Output committed after the older checkpoint is produced again: falling back costs exactly-once
    // for that stretch, never a record.
    expect(sink.values.length).toBeGreaterThanOrEqual(4000);
  });

  it('restores a savepoint at another parallelism with the same keyed results', async () => {
    const expected = new CollectSink<[number, number]>();
    await expectFinished(await new LocalCluster().execute(keyedSumJob(expected, { count: 6000, parallelism: 2 }), { checkpointStorage: storage }).result);
    for (const parallelism of [3, 1]) {
      // One sink for both runs: the resumed run commits the savepoint's committables again, and the
      // sink must count them once, as a real transactional sink would.
      const sink = new CollectSink<[number, number]>();
      const execution = new LocalCluster().execute(keyedSumJob(sink, { count: 6000, parallelism: 2 }), {
        checkpointStorage: storage,
        jobId: 'rescale',
      });
      await new Promise((resolve) => setTimeout(resolve, 80));
      const savepoint = await execution.stopWithSavepoint();
      expect(savepoint.savepoint).toBe(true);
      expect((await execution.result).state).toBe('FINISHED');
      const before = sink.values.length;
      expect(before).toBeGreaterThan(0);
      expect(before).toBeLessThan(6000);

      const result = await new LocalCluster().execute(keyedSumJob(sink, { count: 6000, parallelism }), {
        checkpointStorage: storage,
        restoreFrom: savepoint,
      }).result;
      await expectFinished(result);
      expect(sumsByKey(sink.values)).toEqual(sumsByKey(expected.values));
    }
    expect((await readdir(join(dir, 'rescale'))).length).toBeGreaterThan(0);
  });

  it('keeps checkpointing and committing after a source subtask finishes at once, and takes savepoints meanwhile', async () => {
    const expected = new CollectSink<[number, number]>();
    await expectFinished(await new LocalCluster().execute(keyedSumJob(expected, { count: 6000, parallelism: 2 }), { checkpointStorage: storage }).result);
    const sink = new CollectSink<[number, number]>();
    const first = new LocalCluster().execute(keyedSumJob(sink, { count: 6000, parallelism: 2 }), { checkpointStorage: storage });
    await new Promise((resolve) => setTimeout(resolve, 80));
    const savepoint = await first.stopWithSavepoint();

    // Two source splits dealt out to three subtasks: the third has nothing to read and finishes at once.
    const resumed = new LocalCluster().execute(keyedSumJob(sink, { count: 6000, parallelism: 3 }), { checkpointStorage: storage, restoreFrom: savepoint });
    const committedAt: number[] = [];
    resumed.onCheckpointCompleted(() => committedAt.push(sink.values.length));
    const idle = () => resumed.tasks.find((t) => t.vertexId === 0 && t.subtaskIndex === 2);
    await until(() => idle()?.state === 'FINISHED' && committedAt.length >= 2 && resumed.jobState === 'RUNNING');
    const midway = await resumed.triggerSavepoint();
    expect(midway.operators['numbers']!.subtasks[2]).toBeDefined();
    await expectFinished(await resumed.result);
    // Sinks committed while the job ran, not only at its end.
    expect(committedAt.some((n) => n > 0 && n < 6000)).toBe(true);
    expect(sumsByKey(sink.values)).toEqual(sumsByKey(expected.values));
  });

  it('completes a final checkpoint before the end-of-input commit, which restores at another parallelism without repeating anything', async () => {
    const sink = new CollectSink<[number, number]>();
    const execution = new LocalCluster().execute(keyedSumJob(sink, { count: 3000, parallelism: 2 }), { checkpointStorage: storage, jobId: 'final' });
    const completed: { checkpoint: CompletedCheckpoint; committed: number }[] = [];
    execution.onCheckpointCompleted((checkpoint) => completed.push({ checkpoint, committed: sink.values.length }));
    await expectFinished(await execution.result);
    expect(sink.values).toHaveLength(3000);
    const last = completed.at(-1)!;
    // The end-of-input commit had not happened when the final checkpoint completed.
    expect(last.committed).toBeLessThan(3000);
    expect(Object.keys(last.checkpoint.operators['numbers']!.subtasks)).toEqual(['0', '1']);
    expect((await storage.listCheckpoints('final'))[0]!.checkpointId).toBe(last.checkpoint.checkpointId);
    // The attempt's final states are gone; the checkpoints hold their own copies.
    expect((await readdir(join(dir, 'final'))).filter((name) => name.startsWith('chk--'))).toEqual([]);

    // A restart from it: sources have nothing left, sinks commit again, which commits nothing new.
    const before = [...sink.values];
    const restored = await new LocalCluster().execute(keyedSumJob(sink, { count: 3000, parallelism: 3 }), { checkpointStorage: storage, restoreFrom: last.checkpoint }).result;
    await expectFinished(restored);
    expect(sink.values).toEqual(before);
  });
});

async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  expect(condition()).toBe(true);
}
