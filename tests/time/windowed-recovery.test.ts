/**
 * Event-time windows on a real cluster: a JobManager and TaskManager processes, checkpoints in Redis,
 * the exactly-once FileSink. Records cross TaskManagers with their timestamps and watermarks; a
 * TaskManager killed with SIGKILL, or a stop with a savepoint resumed at another parallelism, must
 * still commit every window exactly once, with pending windows and timers restored from the snapshot.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TestCluster, type JobStatusJson } from '../support/cluster.js';
import { committedLines, sourceGate as gate } from '../support/checkpointed-sums.js';
import { expectedWindows, windowedCountsJob as job } from '../support/windowed-counts.js';

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

/** Waits until the job runs with `count` checkpoints completed and some windows committed (held by its gate, it cannot end first). */
async function waitForCommittedWindows(jobId: string, out: string, count: number): Promise<void> {
  await cluster!.waitForStatus<JobStatusJson & { checkpoints?: { completed: number } }>(
    jobId,
    `${count} checkpoints completed and windows committed`,
    (s) => s.state === 'RUNNING' && Number(s.checkpoints?.completed ?? 0) >= count && committedLines(out).length > 0,
  );
}

describe('event-time windows on a cluster', () => {
  it('commits every window exactly once after kill -9 of a TaskManager', async () => {
    cluster = await TestCluster.start({ taskManagers: 2, slots: 2 });
    const out = mkdtempSync(join(tmpdir(), 'sage-windows-tm-'));
    const held = gate();
    const jobId = await submit(['-p', '2', '--', '20000', '5000', out, held.file]);
    await waitForCommittedWindows(jobId, out, 2);
    cluster.taskManagers[1]!.child.kill('SIGKILL');
    held.open();

    const status = await cluster.waitForJobState(jobId, ['FINISHED', 'FAILED'], 120_000);
    expect(status.state, JSON.stringify(status.failure)).toBe('FINISHED');
    expect((status as unknown as { restarts: number }).restarts).toBeGreaterThanOrEqual(1);
    expect(committedLines(out)).toEqual(expectedWindows(20000));
  }, 180_000);

  it('stops with a savepoint at parallelism 2 and resumes at 3 with its pending windows', async () => {
    cluster = await TestCluster.start({ taskManagers: 2, slots: 2 });
    const out = mkdtempSync(join(tmpdir(), 'sage-windows-rescale-'));
    // Never opened: the savepoint is taken while the source holds, halfway, with windows pending.
    const jobId = await submit(['-p', '2', '--', '20000', '5000', out, gate().file]);
    await waitForCommittedWindows(jobId, out, 2);
    const stop = await cluster.sage(['stop', jobId, '--savepoint']);
    expect(stop.code, stop.stderr).toBe(0);
    const savepoint = stop.stdout.trim();
    const before = committedLines(out).length;
    expect(before).toBeGreaterThan(0);
    expect(before).toBeLessThan(expectedWindows(20000).length);

    const resumed = await cluster.sage(['run', job, '-p', '3', '--from-savepoint', savepoint, '--', '20000', '5000', out], { timeoutMs: 120_000 });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(committedLines(out)).toEqual(expectedWindows(20000));
  }, 240_000);
});
