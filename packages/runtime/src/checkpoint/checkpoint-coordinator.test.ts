import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHECKPOINT_DEFAULTS, StreamExecutionEnvironment, type ResolvedCheckpointConfig } from '@sage/core';
import { CollectSink } from '../testing/collect-sink.js';
import { CheckpointCoordinator, type CheckpointFailure, type TaskId, type TaskProgress } from './checkpoint-coordinator.js';
import { finalStateNamespace } from './checkpoint-storage.js';
import { FileCheckpointStorage } from './file-checkpoint-storage.js';

/** A job of two vertices (source p=1, sink p=2): three tasks acknowledge each checkpoint. */
function graph() {
  const env = new StreamExecutionEnvironment({ parallelism: 2 });
  env.fromSequence(1, 10).setParallelism(1).uid('src').rebalance().sink(new CollectSink<number>()).uid('out');
  return env.compile().descriptor;
}

async function setup(overrides: Partial<ResolvedCheckpointConfig>) {
  const storage = new FileCheckpointStorage(await mkdtemp(join(tmpdir(), 'sage-coordinator-')));
  /** Where each task stands, by `vertex/subtask`; RUNNING when absent. */
  const progress = new Map<string, TaskProgress>();
  const triggeredAt: TaskId[][] = [];
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
      taskProgress: (vertexId, subtaskIndex) => progress.get(`${vertexId}/${subtaskIndex}`) ?? 'RUNNING',
      triggerTasks: (id, _timestamp, tasks) => {
        triggered.push(id);
        triggeredAt.push([...tasks]);
      },
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
  const ack = async (id: number, vertexId: number, subtaskIndex: number) => {
    const handle = await storage.writeState('job', id, `${vertexId}-${subtaskIndex}`, new Uint8Array([id]));
    coordinator.acknowledge({ checkpointId: id, vertexId, subtaskIndex, handles: { [vertexId === 0 ? 'src' : 'out']: handle }, stateSize: 1, syncMs: 0, asyncMs: 0 });
  };
  /** The task ends: it reports its final state (bytes [99, vertex, subtask]) and then that it ended. */
  const end = async (vertexId: number, subtaskIndex: number) => {
    const handle = await storage.writeState('job', finalStateNamespace(0), `${vertexId}-${subtaskIndex}`, new Uint8Array([99, vertexId, subtaskIndex]));
    coordinator.acknowledge({ checkpointId: 0, vertexId, subtaskIndex, handles: { [vertexId === 0 ? 'src' : 'out']: handle }, stateSize: 3, syncMs: 0, asyncMs: 0, final: true });
    progress.set(`${vertexId}/${subtaskIndex}`, 'ENDED');
    coordinator.taskEnded(vertexId, subtaskIndex);
  };
  return { storage, coordinator, progress, triggered, triggeredAt, completed, aborted, failures, ackAll, ack, end };
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

  it('after a task ended, triggers the running tasks whose upstream has ended and completes with a copy of its final state', async () => {
    const t = await setup({ maxConcurrent: 1 });
    await t.end(0, 0);
    t.coordinator.start();
    await until(() => t.triggered.length >= 1);
    // The sink subtasks, triggered themselves since their only upstream subtask has ended.
    expect(t.triggeredAt[0]).toEqual([{ vertexId: 1, subtaskIndex: 0 }, { vertexId: 1, subtaskIndex: 1 }]);
    await t.ack(t.triggered[0]!, 1, 0);
    await t.ack(t.triggered[0]!, 1, 1);
    await until(() => t.completed.length === 1);
    t.coordinator.stop();
    const [checkpoint] = await t.storage.listCheckpoints('job');
    const source = checkpoint!.operators['src']!.subtasks[0]!;
    expect(source.uri).toContain(`chk-${t.triggered[0]}`);
    expect([...(await t.storage.readState(source))]).toEqual([99, 0, 0]);
  });

  it('triggers nothing while a task is not running, or has ended without its final state', async () => {
    const t = await setup({});
    t.progress.set('1/1', 'OTHER');
    t.coordinator.start();
    await sleep(100);
    expect(t.triggered).toEqual([]);
    await expect(t.coordinator.triggerSavepoint()).rejects.toThrow(/try the savepoint again in a moment/);
    t.progress.set('1/1', 'ENDED');
    await expect(t.coordinator.triggerSavepoint()).rejects.toThrow(/final state of .* is not in yet/);
    t.coordinator.stop();
  });

  it('aborts without counting a failure a checkpoint whose task ended before acknowledging it; the next one takes its final state', async () => {
    const t = await setup({ tolerableFailures: 0 });
    t.coordinator.start();
    await until(() => t.triggered.length >= 1);
    expect(t.triggeredAt[0]).toEqual([{ vertexId: 0, subtaskIndex: 0 }]);
    await t.ack(t.triggered[0]!, 0, 0);
    await t.ack(t.triggered[0]!, 1, 0);
    await t.end(1, 1);
    expect(t.aborted).toEqual([t.triggered[0]]);
    expect(t.failures).toEqual([]);
    await until(() => t.triggered.length >= 2);
    expect(t.triggeredAt[1]).toEqual([{ vertexId: 0, subtaskIndex: 0 }]);
    await t.ack(t.triggered[1]!, 0, 0);
    await t.ack(t.triggered[1]!, 1, 0);
    await until(() => t.completed.length === 1);
    t.coordinator.stop();
    const [checkpoint] = await t.storage.listCheckpoints('job');
    expect([...(await t.storage.readState(checkpoint!.operators['out']!.subtasks[1]!))]).toEqual([99, 1, 1]);
  });

  it('completes a final checkpoint of final states only once every task has ended, with nothing triggered or notified', async () => {
    const t = await setup({ intervalMs: 60_000 });
    t.coordinator.start();
    await t.end(0, 0);
    await t.end(1, 0);
    await expect(t.coordinator.completeFinalCheckpoint()).rejects.toThrow(/has not reported its final state/);
    await t.end(1, 1);
    await expect(t.coordinator.triggerSavepoint()).rejects.toThrow(/every task .* has reached the end of its input/i);
    const final = (await t.coordinator.completeFinalCheckpoint())!;
    t.coordinator.stop();
    expect(t.triggered).toEqual([]);
    expect(t.completed).toEqual([]);
    const [listed] = await t.storage.listCheckpoints('job');
    expect(listed).toEqual(final);
    for (const [uid, subtask, bytes] of [['src', 0, [99, 0, 0]], ['out', 0, [99, 1, 0]], ['out', 1, [99, 1, 1]]] as const) {
      expect([...(await t.storage.readState(final.operators[uid]!.subtasks[subtask]!))]).toEqual(bytes);
    }
  });
});
