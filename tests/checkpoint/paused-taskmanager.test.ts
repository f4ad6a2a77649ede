/**
 * A TaskManager paused (SIGSTOP) for longer than the heartbeat timeout is declared lost and its tasks
 * are redeployed; when it resumes (SIGCONT), its stale attempts run on for a moment before it learns
 * they were replaced. Whatever they wrote must not outlive the job: a FINISHED job's output folder
 * holds only committed files, with every record exactly once.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TestCluster } from '../support/cluster.js';
import { checkpointedSumsJob as job, expectedSums as expectedLines } from '../support/checkpointed-sums.js';
import { waitFor } from '../support/sage-cli.js';

let cluster: TestCluster | undefined;

afterEach(async () => {
  for (const tm of cluster?.taskManagers ?? []) tm.child.kill('SIGCONT');
  await cluster?.stop();
  cluster = undefined;
});

interface Status {
  readonly state: string;
  readonly restarts?: number;
  readonly checkpoints?: { readonly completed: number };
}

describe('a TaskManager paused and resumed', () => {
  it('leaves no hidden part file in the output folder of the FINISHED job, and every record once', async () => {
    cluster = await TestCluster.start({ taskManagers: 2, slots: 2 });
    const out = mkdtempSync(join(tmpdir(), 'sage-paused-tm-'));
    const records = 40_000;
    const submitted = await cluster.sage(['run', job, '--detached', '-p', '2', '--', String(records), '5000', out]);
    expect(submitted.code, submitted.stderr).toBe(0);
    const jobId = /[0-9a-f]{32}/.exec(submitted.stdout)![0];
    const status = async () => (await cluster!.status(jobId)) as unknown as Status;
    await waitFor(async () => Number((await status()).checkpoints?.completed ?? 0) >= 2, 60_000, () => 'two completed checkpoints');

    // tm-1 runs subtask 0 of every vertex (slot sharing, slots spread over the TaskManagers): the
    // source and a sink subtask. Paused past the heartbeat timeout (3 s), it is declared lost and the
    // job runs to its end on tm-2 without it.
    const paused = cluster.taskManagers[0]!;
    paused.child.kill('SIGSTOP');
    const final = await cluster.waitForJobState(jobId, ['FINISHED', 'FAILED'], 120_000);
    expect(final.state, JSON.stringify(final.failure)).toBe('FINISHED');
    expect(Number((await status()).restarts)).toBeGreaterThanOrEqual(1);

    // Resumed, its stale attempt runs on (its source catches up with its rate at once, its sink may
    // reach the end of input) until its first heartbeat tells it the attempt was replaced and it
    // cancels its tasks: a task logs its end once its operators are closed.
    paused.child.kill('SIGCONT');
    await paused.waitForLog('cancelling tasks and registering again', 30_000);
    await waitFor(() => /Reduce -> Sink: Files \(1\/2\)[^\n]*"msg":"Task (ended|failed)"/.test(paused.stderr), 30_000, () => `the stale sink subtask of tm-1 to end; its log:\n${paused.stderr.slice(-3000)}`);
    const files = readdirSync(out);
    expect(files.filter((f) => f.startsWith('.'))).toEqual([]);
    const committed = files.flatMap((f) => readFileSync(join(out, f), 'utf8').split('\n').filter((l) => l.length > 0)).sort();
    expect(committed).toEqual(expectedLines(records));
  }, 240_000);
});
