/**
 * Damaged checkpoint metadata on a real cluster (JobManager and TaskManager processes, checkpoints in
 * the real Redis, the exactly-once FileSink): the newest checkpoint's `:meta` is overwritten with
 * garbage, then a process is killed. The restore passes over it to the previous checkpoint and says so
 * in `sage status`, in the exception history and on /metrics; or, when the job asks, fails naming it.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { RedisCheckpointStorage } from '@sage/checkpoint-redis';
import { TEST_REDIS, TestCluster } from '../support/cluster.js';
import { checkpointedSumsJob as job, committedLines, expectedSums as expectedLines, sourceGate } from '../support/checkpointed-sums.js';
import { waitFor } from '../support/sage-cli.js';

let cluster: TestCluster | undefined;

afterEach(async () => {
  await cluster?.stop();
  cluster = undefined;
});

interface Status {
  state: string;
  failure: { code: string; message: string } | null;
  restoreFallbacks: number;
  restoredCheckpointId: number | null;
  checkpoints: { completed: number };
  exceptions: { outcome: string; attempt: number; code: string; message: string; location: string; skippedCheckpointId: number | null }[];
}

async function status(jobId: string): Promise<Status> {
  return (await cluster!.status(jobId)) as unknown as Status;
}

async function submit(args: readonly string[]): Promise<string> {
  const submitted = await cluster!.sage(['run', job, '--detached', ...args]);
  expect(submitted.code, submitted.stderr).toBe(0);
  return /[0-9a-f]{32}/.exec(submitted.stdout)![0];
}

async function waitForCheckpoints(jobId: string, count: number): Promise<void> {
  let last: Status | undefined;
  await waitFor(
    async () => {
      last = await status(jobId);
      return last.state === 'RUNNING' && last.checkpoints.completed >= count;
    },
    60_000,
    () => `job ${jobId} to complete ${count} checkpoints; last status ${JSON.stringify(last)}`,
  );
}

/** Overwrites the newest checkpoint's metadata with garbage; returns its id. */
async function garbleNewestMetadata(jobId: string): Promise<number> {
  const storage = new RedisCheckpointStorage({ redis: TEST_REDIS, clusterId: cluster!.clusterId });
  const redis = new Redis(TEST_REDIS);
  try {
    const [newest, previous] = await storage.listCheckpoints(jobId);
    expect(previous, 'an older checkpoint to fall back to').toBeDefined();
    await redis.set(`sage:${cluster!.clusterId}:job:${jobId}:chk:${newest!.checkpointId}:meta`, '{garbage');
    return newest!.checkpointId;
  } finally {
    await storage.close();
    await redis.quit();
  }
}

/**
 * Stops the only TaskManager (so no further checkpoint can complete), damages the newest checkpoint,
 * kills the TaskManager and starts another: the job restarts and restores.
 */
async function garbleThenKillTaskManager(jobId: string): Promise<number> {
  const tm = cluster!.taskManagers[0]!;
  tm.child.kill('SIGSTOP');
  const garbled = await garbleNewestMetadata(jobId);
  tm.child.kill('SIGKILL');
  await tm.exited;
  await cluster!.addTaskManager('tm-2', 2);
  return garbled;
}

function metricValue(metrics: string, name: string, jobId: string): number {
  const line = metrics.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(`job_id="${jobId}"`));
  if (line === undefined) throw new Error(`no ${name} for job ${jobId} in /metrics:\n${metrics}`);
  return Number(line.slice(line.lastIndexOf(' ') + 1));
}

function expectSkipped(final: Status, garbled: number): void {
  expect(final.restoreFallbacks).toBe(1);
  const skipped = final.exceptions.filter((e) => e.outcome === 'checkpoint-skipped');
  expect(skipped).toHaveLength(1);
  expect(skipped[0]).toMatchObject({ skippedCheckpointId: garbled, code: 'CheckpointSkipped', location: 'JobManager restore' });
  expect(skipped[0]!.message).toMatch(new RegExp(`^Checkpoint ${garbled} cannot be restored \\(its metadata is not valid JSON .*\\); restored checkpoint \\d+ instead`));
  expect(final.restoredCheckpointId).toBeLessThan(garbled);
}

describe('a checkpoint with damaged metadata', () => {
  it('is skipped after kill -9 of a TaskManager: the job restores the previous one, loses nothing and reports the fallback', async () => {
    cluster = await TestCluster.start({ taskManagers: 1, slots: 2 });
    const out = mkdtempSync(join(tmpdir(), 'sage-garbled-tm-'));
    const gate = sourceGate();
    const jobId = await submit(['-p', '2', '--', '20000', '5000', out, gate.file]);
    await waitForCheckpoints(jobId, 3);
    const garbled = await garbleThenKillTaskManager(jobId);
    gate.open();

    const final = (await cluster.waitForJobState(jobId, ['FINISHED', 'FAILED'], 120_000)) as unknown as Status;
    expect(final.state, JSON.stringify(final.failure)).toBe('FINISHED');
    expect(final.failure).toBeNull();
    expectSkipped(final, garbled);
    expect(final.exceptions.some((e) => e.outcome === 'restarted')).toBe(true);
    await cluster.jobManager.waitForLog(`Checkpoint ${garbled} of job ${jobId} cannot be restored (its metadata is not valid JSON`);
    // Falling back repeats output committed after the older checkpoint, and loses nothing.
    const committed = new Set(committedLines(out));
    for (const line of expectedLines(20000)) expect(committed.has(line)).toBe(true);

    const metrics = await cluster.metrics();
    expect(metricValue(metrics, 'sage_job_restore_fallbacks_total', jobId)).toBe(1);
    expect(metricValue(metrics, 'sage_job_restarts_total', jobId)).toBeGreaterThanOrEqual(1);

    const human = await cluster.sage(['status', jobId]);
    expect(human.stdout).toContain('Restore fallbacks: 1 damaged checkpoint(s) skipped');
    expect(human.stdout).toContain(`restore skipped checkpoint ${garbled}: Checkpoint ${garbled} cannot be restored`);
  }, 180_000);

  it("fails the job naming the checkpoint and the option when the job sets onCorruptCheckpoint: 'fail'", async () => {
    cluster = await TestCluster.start({ taskManagers: 1, slots: 2 });
    const out = mkdtempSync(join(tmpdir(), 'sage-garbled-fail-'));
    const gate = sourceGate();
    const jobId = await submit(['-p', '2', '--', '20000', '5000', out, gate.file, 'fail']);
    await waitForCheckpoints(jobId, 3);
    const garbled = await garbleThenKillTaskManager(jobId);
    gate.open();

    const final = (await cluster.waitForJobState(jobId, ['FINISHED', 'FAILED'], 120_000)) as unknown as Status;
    expect(final.state).toBe('FAILED');
    expect(final.failure!.code).toBe('CorruptCheckpointNotRestored');
    expect(final.failure!.message).toMatch(new RegExp(`^Checkpoint ${garbled} of job ${jobId} cannot be restored: its metadata is not valid JSON`));
    expect(final.failure!.message).toContain("onCorruptCheckpoint: 'fail'");
    expect(final.failure!.message).toContain(`--from-savepoint ${jobId}/<checkpoint id>`);
    expect(final.restoreFallbacks).toBe(0);
    expect(final.exceptions[0]).toMatchObject({ outcome: 'failed', code: 'CorruptCheckpointNotRestored' });
    expect(metricValue(await cluster.metrics(), 'sage_job_restore_fallbacks_total', jobId)).toBe(0);
    // The message alone, without the JobManager's stack frames.
    const human = await cluster.sage(['status', jobId]);
    expect(human.stdout).toMatch(new RegExp(`Failure at JobManager:\n    CorruptCheckpointNotRestored: Checkpoint ${garbled} of job ${jobId} cannot be restored`));
    expect(human.stdout).not.toMatch(/at selectRestoreCheckpoint/);
  }, 180_000);

  it('is skipped after kill -9 of the JobManager: the new JobManager restores the previous one and reports it', async () => {
    cluster = await TestCluster.start({ taskManagers: 2, slots: 2 });
    const out = mkdtempSync(join(tmpdir(), 'sage-garbled-jm-'));
    const gate = sourceGate();
    const jobId = await submit(['-p', '2', '--', '20000', '5000', out, gate.file]);
    await waitForCheckpoints(jobId, 3);
    // Without a JobManager no checkpoint completes: the garbled one stays the newest.
    cluster.jobManager.child.kill('SIGKILL');
    await cluster.jobManager.exited;
    const garbled = await garbleNewestMetadata(jobId);
    await cluster.restartJobManager();
    gate.open();

    const final = (await cluster.waitForJobState(jobId, ['FINISHED', 'FAILED'], 120_000)) as unknown as Status;
    expect(final.state, JSON.stringify(final.failure)).toBe('FINISHED');
    expectSkipped(final, garbled);
    const committed = new Set(committedLines(out));
    for (const line of expectedLines(20000)) expect(committed.has(line)).toBe(true);
    expect(metricValue(await cluster.metrics(), 'sage_job_restore_fallbacks_total', jobId)).toBe(1);
  }, 180_000);
});
