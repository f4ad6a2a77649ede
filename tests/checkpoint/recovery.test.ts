/**
 * Exactly-once recovery on a real cluster: a JobManager and TaskManager processes, checkpoints in the
 * real Redis, the exactly-once FileSink. A process is killed with SIGKILL in the middle of a long
 * keyed job; the committed output must equal, line for line, the output of a run without failure.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RedisCheckpointStorage } from '@sage/checkpoint-redis';
import { TestCluster } from '../support/cluster.js';
import { checkpointedSumsJob as job, committedLines, expectedSums as expectedLines, sourceGate as gate } from '../support/checkpointed-sums.js';
import { repoRoot, waitFor } from '../support/sage-cli.js';

const REDIS = 'redis://127.0.0.1:6379';
let cluster: TestCluster | undefined;

afterEach(async () => {
  await cluster?.stop();
  cluster = undefined;
});

async function submit(args: readonly string[]): Promise<string> {
  const submitted = await cluster!.sage(['run', job, '--detached', ...args]);
  expect(submitted.code, submitted.stderr).toBe(0);
  return /[0-9a-f]{32}/.exec(submitted.stdout)![0];
}

/** Waits until the job runs and has completed at least `count` checkpoints (held by its gate, it cannot end first). */
async function waitForCheckpoints(jobId: string, count: number): Promise<void> {
  let last: unknown;
  await waitFor(
    async () => {
      const status = (await cluster!.status(jobId)) as unknown as { state: string; checkpoints?: { completed: number } };
      last = status;
      return status.state === "RUNNING" && Number(status.checkpoints?.completed ?? 0) >= count;
    },
    60_000,
    () => `job ${jobId} to complete ${count} checkpoints; last status ${JSON.stringify(last)}`,
  );
}

describe('exactly-once recovery on a cluster', () => {
  it('carries on after kill -9 of a TaskManager with every record committed exactly once', async () => {
    cluster = await TestCluster.start({ taskManagers: 2, slots: 2 });
    const out = mkdtempSync(join(tmpdir(), 'sage-eo-tm-'));
    const held = gate();
    const jobId = await submit(['-p', '2', '--', '20000', '5000', out, held.file]);
    await waitForCheckpoints(jobId, 2);
    cluster.taskManagers[1]!.child.kill('SIGKILL');
    held.open();

    const status = await cluster.waitForJobState(jobId, ['FINISHED', 'FAILED'], 120_000);
    expect(status.state, JSON.stringify(status.failure)).toBe('FINISHED');
    expect((status as unknown as { restarts: number }).restarts).toBeGreaterThanOrEqual(1);
    expect(committedLines(out)).toEqual(expectedLines(20000));
  }, 180_000);

  it('carries on after kill -9 of the JobManager: a new JobManager takes the job back from Redis', async () => {
    cluster = await TestCluster.start({ taskManagers: 2, slots: 2 });
    const out = mkdtempSync(join(tmpdir(), 'sage-eo-jm-'));
    const held = gate();
    const jobId = await submit(['-p', '2', '--', '20000', '5000', out, held.file]);
    await waitForCheckpoints(jobId, 2);
    await cluster.restartJobManager();
    await cluster.jobManager.waitForLog('Recovering job from the job store');
    held.open();

    const status = await cluster.waitForJobState(jobId, ['FINISHED', 'FAILED'], 120_000);
    expect(status.state, JSON.stringify(status.failure)).toBe('FINISHED');
    expect(committedLines(out)).toEqual(expectedLines(20000));
  }, 180_000);

  it('stops with a savepoint at parallelism 2 and resumes at 3 and at 1 with the same keyed results', async () => {
    cluster = await TestCluster.start({ taskManagers: 2, slots: 2 });
    for (const parallelism of [3, 1]) {
      const out = mkdtempSync(join(tmpdir(), `sage-rescale-${parallelism}-`));
      // Never opened: the savepoint is taken while the source holds, halfway.
      const jobId = await submit(['-p', '2', '--', '20000', '5000', out, gate().file]);
      await waitForCheckpoints(jobId, 2);
      const stop = await cluster.sage(['stop', jobId, '--savepoint']);
      expect(stop.code, stop.stderr).toBe(0);
      const savepoint = stop.stdout.trim();
      expect(savepoint).toMatch(new RegExp(`^${jobId}/\\d+$`));
      const before = committedLines(out).length;
      expect(before).toBeGreaterThan(0);
      expect(before).toBeLessThan(20000);

      const resumed = await cluster.sage(['run', job, '-p', String(parallelism), '--from-savepoint', savepoint, '--', '20000', '5000', out], { timeoutMs: 120_000 });
      expect(resumed.code, resumed.stderr).toBe(0);
      // The first run committed exactly what the savepoint covers, the resumed run the rest.
      expect(committedLines(out)).toEqual(expectedLines(20000));
    }
  }, 240_000);

  it('refuses a savepoint with state for an operator the job no longer has, unless told to drop it', async () => {
    cluster = await TestCluster.start({ taskManagers: 1, slots: 2 });
    const out = mkdtempSync(join(tmpdir(), 'sage-uids-'));
    const jobId = await submit(['-p', '2', '--', '20000', '5000', out, gate().file]);
    await waitForCheckpoints(jobId, 1);
    const stop = await cluster.sage(['stop', jobId]);
    expect(stop.code, stop.stderr).toBe(0);
    const savepoint = stop.stdout.trim();
    const renamed = join(repoRoot, 'tests/jobs/checkpointed-sums-renamed.ts');
    const refused = await cluster.sage(['run', renamed, '-p', '2', '--from-savepoint', savepoint, '--', '20000', '5000', out]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/state for operator uid 'totals'.*--allow-non-restored-state/s);
    const allowed = await cluster.sage(['run', renamed, '-p', '2', '--from-savepoint', savepoint, '--allow-non-restored-state', '--detached', '--', '100', '5000', out]);
    expect(allowed.code, allowed.stderr).toBe(0);
  }, 120_000);

  it('falls back to the previous checkpoint when the newest is corrupt, and fails naming them when none is usable', async () => {
    cluster = await TestCluster.start({ taskManagers: 1, slots: 2 });
    const storage = new RedisCheckpointStorage({ redis: REDIS, clusterId: cluster.clusterId });
    try {
      const out = mkdtempSync(join(tmpdir(), 'sage-corrupt-'));
      const held = gate();
      const jobId = await submit(['-p', '2', '--', '20000', '5000', out, held.file]);
      await waitForCheckpoints(jobId, 3);
      // Kill the JobManager, damage the newest checkpoint's state in Redis, start a JobManager again.
      cluster.jobManager.child.kill('SIGKILL');
      await cluster.jobManager.exited;
      const [newest, previous] = await storage.listCheckpoints(jobId);
      expect(previous).toBeDefined();
      await corrupt(storage, jobId, newest!);
      await cluster.restartJobManager();
      await cluster.jobManager.waitForLog(`Checkpoint ${newest!.checkpointId} of job ${jobId} cannot be restored`);
      await cluster.jobManager.waitForLog('falling back to an older checkpoint');
      held.open();
      const status = await cluster.waitForJobState(jobId, ['FINISHED', 'FAILED'], 120_000);
      expect(status.state, JSON.stringify(status.failure)).toBe('FINISHED');
      // Restoring an older checkpoint repeats what was committed after it, and loses nothing.
      const committed = new Set(committedLines(out));
      for (const line of expectedLines(20000)) expect(committed.has(line)).toBe(true);

      // The same with every retained checkpoint damaged: the job fails, naming them.
      const out2 = mkdtempSync(join(tmpdir(), 'sage-corrupt-all-'));
      const jobId2 = await submit(['-p', '2', '--', '20000', '5000', out2, gate().file]);
      await waitForCheckpoints(jobId2, 2);
      cluster.jobManager.child.kill('SIGKILL');
      await cluster.jobManager.exited;
      const all = await storage.listCheckpoints(jobId2);
      for (const checkpoint of all) await corrupt(storage, jobId2, checkpoint);
      await cluster.restartJobManager();
      const failed = await cluster.waitForJobState(jobId2, ['FAILED', 'FINISHED'], 60_000);
      expect(failed.state).toBe('FAILED');
      expect(failed.failure!.message).toMatch(/No usable checkpoint/);
      for (const checkpoint of all) expect(failed.failure!.message).toContain(`checkpoint ${checkpoint.checkpointId}`);
    } finally {
      await storage.close();
    }
  }, 240_000);
});

/** Overwrites one state blob of the checkpoint with garbage; its recorded checksum no longer matches. */
async function corrupt(storage: RedisCheckpointStorage, jobId: string, checkpoint: { checkpointId: number; operators: Record<string, { subtasks: Record<number, { uri: string }> }> }) {
  const handle = Object.values(Object.values(checkpoint.operators)[0]!.subtasks)[0]!;
  const name = handle.uri.slice(handle.uri.indexOf(':state:') + ':state:'.length);
  await storage.writeState(jobId, checkpoint.checkpointId, name, new TextEncoder().encode('garbage'));
}
