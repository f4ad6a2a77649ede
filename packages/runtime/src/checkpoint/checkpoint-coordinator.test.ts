import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHECKPOINT_DEFAULTS, StreamExecutionEnvironment, type ResolvedCheckpointConfig } from '@sage/core';
import { CollectSink } from '../testing/collect-sink.js';
import { CheckpointCoordinator, type CheckpointFailure } from './checkpoint-coordinator.js';
import { FileCheckpointStorage } from './file-checkpoint-storage.js';

/** A job of two vertices (source p=1, sink p=2): three tasks acknowledge each checkpoint. */
function graph() {
  const env = new StreamExecutionEnvironment({ parallelism: 2 });
  env.fromSequence(1, 10).setParallelism(1).uid('src').rebalance().sink(new CollectSink<number>()).uid('out');
  return env.compile().descriptor;
}

async function setup(overrides: Partial<ResolvedCheckpointConfig>) {
  const storage = new FileCheckpointStorage(await mkdtemp(join(tmpdir(), 'sage-coordinator-')));
  const triggered: number[] = [];
  const completed: number[] = [];
  const aborted: number[] = [];
  const failures: CheckpointFailure[] = [];
  const coordinator = new CheckpointCoordinator({
    jobId: 'job',
    graph: graph(),
    config: { ...CHECKPOINT_DEFAULTS, intervalMs: 20, ...overrides },
    storage,
    log: { info() {}, warn() {} },
    participants: {
      taskProgress: () => 'RUNNING',
      triggerTasks: (id) => void triggered.push(id),
      notifyComplete: (id) => void completed.push(id),
      notifyAborted: (id) => aborted.push(id),
    },
    onTooManyFailures: (failure) => failures.push(failure),
  });
  const ackAll = async (id: number) => {
    for (const [vertexId, subtaskIndex] of [[0, 0], [1, 0], [1, 1]] as const) {
      const handle = await storage.writeState('job', id, `${vertexId}-${subtaskIndex}`, new Uint8Array([id]));
      coordinator.acknowledge({ checkpointId: id, vertexId, subtaskIndex, handles: { [vertexId === 0 ? 'src' : 'out']: handle }, stateSize: 1, syncMs: 0, asyncMs: 0 });
    }
  };
  return { storage, coordinator, triggered, completed, aborted, failures, ackAll };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const until = async (condition: () => boolean) => {
  for (let i = 0; i < 200 && !condition(); i++) await sleep(10);
  expect(condition()).toBe(true);
};

describe('CheckpointCoordinator', () => {
  it('completes a checkpoint once every task acknowledged, and keeps only the retained number', async () => {
    const t = await setup({ retained: 2, maxConcurrent: 1 });
    t.coordinator.start();
    for (let n = 0; n < 3; n++) {
      await until(() => t.triggered.length > n);
      // One in flight at a time: nothing new is triggered before this one completes.
      await sleep(50);
      expect(t.triggered).toHaveLength(n + 1);
      await t.ackAll(t.triggered[n]!);
      await until(() => t.completed.length > n);
    }
    t.coordinator.stop();
    await sleep(20);
    const kept = await t.storage.listCheckpoints('job');
    expect(kept.map((c) => c.checkpointId)).toEqual([t.triggered[2], t.triggered[1]]);
    expect(kept[0]!.operators['out']!.subtasks[1]).toBeDefined();
  });

  it('aborts a checkpoint that times out, tells the tasks, and fails the job past the tolerable failures', async () => {
    const t = await setup({ timeoutMs: 30, tolerableFailures: 1 });
    t.coordinator.start();
    await until(() => t.aborted.length >= 2);
    expect(t.failures).toHaveLength(1);
    expect(t.failures[0]!.message).toMatch(/2 checkpoints in a row failed, more than the 1 the job tolerates.*did not complete within 30 ms/);
    expect(await t.storage.listCheckpoints('job')).toEqual([]);
  });

  it('aborts a declined checkpoint and goes on with the next', async () => {
    const t = await setup({ tolerableFailures: 5 });
    t.coordinator.start();
    await until(() => t.triggered.length >= 1);
    t.coordinator.decline(t.triggered[0]!, 1, 1, new Error('disk full'));
    expect(t.aborted).toEqual([t.triggered[0]]);
    await until(() => t.triggered.length >= 2);
    await t.ackAll(t.triggered[1]!);
    await until(() => t.completed.length === 1);
    t.coordinator.stop();
    expect(t.failures).toHaveLength(0);
  });

  it('waits the minimum pause between the end of one checkpoint and the start of the next', async () => {
    const t = await setup({ minPauseMs: 200 });
    t.coordinator.start();
    await until(() => t.triggered.length >= 1);
    await t.ackAll(t.triggered[0]!);
    const completedAt = Date.now();
    await until(() => t.triggered.length >= 2);
    t.coordinator.stop();
    expect(Date.now() - completedAt).toBeGreaterThanOrEqual(190);
  });
});
