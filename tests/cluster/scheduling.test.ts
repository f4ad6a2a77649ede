/**
 * Scheduling on a real cluster: waiting for slots under the restart strategy, keeping restarts off a
 * TaskManager that died, jobs that can never fit, and stop-with-savepoint. Real JobManager and
 * TaskManager processes, checkpoints in the real Redis, the exactly-once FileSink.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TestCluster, type JobStatusJson } from '../support/cluster.js';
import { checkpointedSumsJob, committedLines, expectedSums } from '../support/checkpointed-sums.js';
import { repoRoot, sageBin, startSage, waitFor } from '../support/sage-cli.js';

let cluster: TestCluster | undefined;

afterEach(async () => {
  await cluster?.stop();
  cluster = undefined;
});

type Status = JobStatusJson & {
  restarts: number;
  checkpoints: { completed: number; last: { id: number } | null };
  waitingForSlots: { needed: number; free: number; total: number; taskManagers: number; since: number } | null;
};

async function status(jobId: string): Promise<Status> {
  return (await cluster!.status(jobId)) as Status;
}

async function submit(args: readonly string[]): Promise<string> {
  const submitted = await cluster!.sage(['run', checkpointedSumsJob, '--detached', ...args]);
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

/** The TaskManager running the job's source: the others read their records from it over the network. */
async function sourceTaskManager(jobId: string): Promise<string> {
  const tasks = (await status(jobId)).tasks;
  const source = tasks.find((t) => t.vertex.startsWith('Source'))!;
  // The test needs a consumer elsewhere, whose stream from the killed TaskManager breaks.
  expect(tasks.some((t) => t.taskManager !== source.taskManager)).toBe(true);
  return source.taskManager;
}

/** The ids of the job's completed checkpoints and savepoints, in order, from the JobManager's JSON log. */
function completedCheckpointIds(log: string, jobId: string): number[] {
  const ids: number[] = [];
  for (const line of log.split('\n')) {
    if (!line.includes(jobId) || !line.includes('Completed ')) continue;
    const entry = JSON.parse(line) as { job?: string; checkpoint?: number; msg?: string };
    if (entry.job === jobId && /^Completed (checkpoint|savepoint) \d+$/.test(entry.msg ?? '')) ids.push(entry.checkpoint!);
  }
  return ids;
}

function kill(taskManagerId: string): void {
  const index = Number(taskManagerId.replace('tm-', '')) - 1;
  cluster!.taskManagers[index]!.child.kill('SIGKILL');
}

describe('scheduling on a cluster', () => {
  it('keeps a restarting job waiting for slots past the slot timeout, and resumes it with exact output when a TaskManager registers', async () => {
    cluster = await TestCluster.start({ taskManagers: 2, slots: 1, jobManager: { slotWaitTimeoutMs: 1500 } });
    const out = mkdtempSync(join(tmpdir(), 'sage-slot-wait-'));
    const records = 30_000;
    const jobId = await submit(['-p', '2', '--', String(records), '5000', out]);
    await waitForCheckpoints(jobId, 2);
    kill(await sourceTaskManager(jobId));

    // Several slot timeouts pass; each is a restart the strategy (20 attempts) allows, and the job waits on.
    let waiting: Status | undefined;
    await waitFor(
      async () => {
        waiting = await status(jobId);
        return waiting.restarts >= 3 || ['FAILED', 'FINISHED', 'CANCELED'].includes(waiting.state);
      },
      60_000,
      () => `job ${jobId} to wait through slot timeouts; last status ${JSON.stringify(waiting)}`,
    );
    expect(waiting!.state, JSON.stringify(waiting!.failure)).toBe('RESTARTING');
    expect(waiting!.waitingForSlots).toMatchObject({ needed: 2, free: 1 });
    // Each slot timeout is in the exception history as a restart; `failure` is only for a FAILED job.
    expect(waiting!.failure).toBeNull();
    expect((waiting as unknown as { exceptions: { outcome: string; code: string }[] }).exceptions[0]).toMatchObject({ outcome: 'restarted', code: 'SlotsUnavailable' });
    const text = await cluster.sage(['status', jobId]);
    expect(text.stdout).toMatch(/Waiting for slots: the job needs 2, the cluster has 1 free/);

    await cluster.addTaskManager('tm-3', 1);
    const final = await cluster.waitForJobState(jobId, ['FINISHED', 'FAILED', 'CANCELED'], 120_000);
    expect(final.state, JSON.stringify(final.failure)).toBe('FINISHED');
    expect(committedLines(out)).toEqual(expectedSums(records));
  }, 240_000);

  it('restarts exactly once after kill -9 of a TaskManager, onto the spare, with exact output', async () => {
    cluster = await TestCluster.start({ taskManagers: 3, slots: 1 });
    const out = mkdtempSync(join(tmpdir(), 'sage-spare-'));
    const records = 30_000;
    const jobId = await submit(['-p', '2', '--', String(records), '5000', out]);
    await waitForCheckpoints(jobId, 2);
    const killed = await sourceTaskManager(jobId);
    kill(killed);

    const final = (await cluster.waitForJobState(jobId, ['FINISHED', 'FAILED', 'CANCELED'], 120_000)) as Status;
    expect(final.state, JSON.stringify(final.failure)).toBe('FINISHED');
    expect(final.restarts).toBe(1);
    expect(final.tasks.map((t) => t.taskManager)).not.toContain(killed);
    expect(committedLines(out)).toEqual(expectedSums(records));
  }, 240_000);

  it('fails at once a job that needs more slots than all registered TaskManagers have, saying how to fix it', async () => {
    // A slot timeout far beyond the command's own: only failing at once lets `sage run` return.
    cluster = await TestCluster.start({ taskManagers: 1, slots: 1, jobManager: { slotWaitTimeoutMs: 600_000 } });
    const run = await cluster.sage(['run', checkpointedSumsJob, '-p', '4', '--', '100', '1000', mkdtempSync(join(tmpdir(), 'sage-never-'))], { timeoutMs: 30_000 });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/Job needs 4 slots, more than the cluster has: 1 in all on 1 TaskManager/);
    expect(run.stderr).toMatch(/start more TaskManagers, give them more --slots, or lower -p to 1 or less/);
  });

  it('waits for slots on a cluster without TaskManagers, says so in sage run, and runs once one registers', async () => {
    cluster = await TestCluster.start({ taskManagers: 0, slots: 1 });
    const out = mkdtempSync(join(tmpdir(), 'sage-no-tm-'));
    const run = startSage(['run', checkpointedSumsJob, '-p', '2', '--jobmanager', cluster.address, '--', '500', '1000', out]);
    try {
      await run.waitForLog(`Waiting for slots: the job needs 2, the cluster has 0 free (0 in all on 0 TaskManagers); start a TaskManager with: node ${sageBin} taskmanager --jobmanager ${cluster.address}`);
      await cluster.addTaskManager('tm-1', 2);
      expect(await run.exited, run.stderr).toBe(0);
    } finally {
      await run.stop();
    }
    expect(committedLines(out)).toEqual(expectedSums(500));
  });

  it('fails a job without restarts once the slot timeout passes, saying what it needs and has', async () => {
    // endless.ts has no checkpointing, hence no restart strategy: the first slot timeout ends it.
    cluster = await TestCluster.start({ taskManagers: 0, slots: 1, jobManager: { slotWaitTimeoutMs: 1500 } });
    const run = await cluster.sage(['run', join(repoRoot, 'tests/jobs/endless.ts'), '-p', '2'], { timeoutMs: 30_000 });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/Waiting for slots: the job needs 2, the cluster has 0 free/);
    expect(run.stderr).toMatch(/Job needs 2 slots, the cluster has 0 free \(0 in all on 0 TaskManagers\) after waiting 1500 ms — start more TaskManagers/);
  });

  it('ends a job stopped with a savepoint FINISHED, and its resumed job checkpoints above the savepoint', async () => {
    cluster = await TestCluster.start({ taskManagers: 1, slots: 2 });
    const out = mkdtempSync(join(tmpdir(), 'sage-stop-finished-'));
    const records = 30_000;
    const jobId = await submit(['-p', '2', '--', String(records), '5000', out]);
    await waitForCheckpoints(jobId, 2);
    const stop = await cluster.sage(['stop', jobId, '--savepoint']);
    expect(stop.code, stop.stderr).toBe(0);
    expect(stop.stderr).toContain(`Job ${jobId} FINISHED`);
    const savepoint = stop.stdout.trim();
    const savepointId = Number(savepoint.split('/')[1]);
    const stopped = await status(jobId);
    expect(stopped.state).toBe('FINISHED');
    expect(stopped.tasks.map((t) => t.state)).toEqual(stopped.tasks.map(() => 'FINISHED'));

    const resumed = await submit(['-p', '2', '--from-savepoint', savepoint, '--', String(records), '5000', out]);
    const final = await cluster.waitForJobState(resumed, ['FINISHED', 'FAILED', 'CANCELED'], 120_000);
    expect(final.state, JSON.stringify(final.failure)).toBe('FINISHED');
    expect(completedCheckpointIds(cluster.jobManager.stderr, jobId)).toContain(savepointId);
    const ids = completedCheckpointIds(cluster.jobManager.stderr, resumed);
    expect(ids.length).toBeGreaterThan(0);
    expect(ids[0]).toBeGreaterThan(savepointId);
    expect(committedLines(out)).toEqual(expectedSums(records));
  }, 240_000);
});
