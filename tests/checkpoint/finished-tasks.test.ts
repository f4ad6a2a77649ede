/**
 * Checkpoints after tasks finish (FLIP-147) on a real cluster: a source subtask with nothing to read
 * finishes at once, and checkpoints, savepoints and exactly-once commits must go on without it, its
 * final state standing for it in every later checkpoint. JobManager and TaskManager processes,
 * checkpoints in the real Redis, the exactly-once FileSink.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TestCluster, type JobStatusJson } from '../support/cluster.js';
import { repoRoot } from '../support/sage-cli.js';

let cluster: TestCluster | undefined;

afterEach(async () => {
  await cluster?.stop();
  cluster = undefined;
});

interface Status extends JobStatusJson {
  readonly restarts: number;
  readonly checkpoints: { readonly completed: number };
}

interface Count {
  readonly key: number;
  readonly n: number;
  readonly count: number;
}

function committed(dir: string): Count[] {
  let files: string[];
  try {
    files = readdirSync(dir);
  } catch {
    return [];
  }
  return files
    .filter((f) => !f.startsWith('.'))
    .flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n').filter((l) => l.length > 0))
    .map((line) => JSON.parse(line) as Count);
}

/**
 * Exactly once: every number 0..records-1 once, and per key the running counts 1..(its numbers),
 * whatever the interleaving of the source subtasks. A record lost, repeated or counted twice in
 * keyed state breaks one or the other.
 */
function expectExactCounts(lines: readonly Count[], records: number): void {
  expect(lines.map((c) => c.n).sort((a, b) => a - b)).toEqual(Array.from({ length: records }, (_, n) => n));
  const counts = new Map<number, number[]>();
  for (const line of lines) counts.set(line.key, [...(counts.get(line.key) ?? []), line.count]);
  for (let key = 0; key < 13; key++) {
    const expected = Math.floor((records - 1 - key) / 13) + 1;
    expect((counts.get(key) ?? []).sort((a, b) => a - b), `counts of key ${key}`).toEqual(Array.from({ length: expected }, (_, i) => i + 1));
  }
}

const waitForStatus = (jobId: string, what: string, condition: (s: Status) => boolean, timeoutMs?: number): Promise<Status> =>
  cluster!.waitForStatus(jobId, what, condition, timeoutMs);

async function submit(job: string, args: readonly string[]): Promise<string> {
  const submitted = await cluster!.sage(['run', join(repoRoot, 'tests/jobs', job), '--detached', ...args]);
  expect(submitted.code, submitted.stderr).toBe(0);
  return /[0-9a-f]{32}/.exec(submitted.stdout)![0];
}

const sourceTasks = (s: Status, name: string) => s.tasks.filter((t) => t.vertex.includes(name));

/**
 * Waits until the job runs with `finished` of its source subtasks FINISHED, then until two more
 * checkpoints complete: checkpoints go on after the tasks ended. Returns the status then.
 */
async function waitForCheckpointsAfterFinished(jobId: string, source: string, finished: number): Promise<Status> {
  const ended = await waitForStatus(
    jobId,
    `${finished} ${source} subtasks finished`,
    (s) => s.state === 'RUNNING' && sourceTasks(s, source).filter((t) => t.state === 'FINISHED').length === finished,
  );
  return waitForStatus(
    jobId,
    'two checkpoints completed after source subtasks finished',
    (s) => s.state === 'RUNNING' && s.checkpoints.completed >= ended.checkpoints.completed + 2,
    30_000,
  );
}

describe('checkpoints after tasks finish', () => {
  it('resumes a savepoint of parallelism 2 at 3, where a source subtask finishes at once, and keeps checkpointing, committing and taking savepoints', async () => {
    cluster = await TestCluster.start({ taskManagers: 2, slots: 2 });
    const records = 30_000;
    const out = mkdtempSync(join(tmpdir(), 'sage-finished-rescale-'));
    const first = await submit('rescalable-counts.ts', ['-p', '2', '--', String(records), '4000', out]);
    await waitForStatus(first, 'two checkpoints', (s) => s.state === 'RUNNING' && s.checkpoints.completed >= 2);
    const stop = await cluster.sage(['stop', first, '--savepoint']);
    expect(stop.code, stop.stderr).toBe(0);
    const before = committed(out).length;
    expect(before).toBeGreaterThan(0);

    // Two sequence splits dealt out to three subtasks: the third has nothing to read.
    const resumed = await submit('rescalable-counts.ts', ['-p', '3', '--from-savepoint', stop.stdout.trim(), '--', String(records), '4000', out]);
    const going = await waitForCheckpointsAfterFinished(resumed, 'Sequence', 1);
    const committedMidway = committed(out).length;
    expect(committedMidway, 'output committed by checkpoints while the resumed job runs').toBeGreaterThan(before);
    expect(committedMidway).toBeLessThan(records);

    const savepoint = await cluster.sage(['savepoint', resumed]);
    expect(savepoint.code, savepoint.stderr).toBe(0);
    expect(savepoint.stdout.trim()).toMatch(new RegExp(`^${resumed}/\\d+$`));
    await waitForStatus(resumed, 'a checkpoint after the savepoint', (s) => s.checkpoints.completed > going.checkpoints.completed + 1);

    const done = await cluster.waitForJobState(resumed, ['FINISHED', 'FAILED'], 120_000);
    expect(done.state, JSON.stringify(done.failure)).toBe('FINISHED');
    expectExactCounts(committed(out), records);
  }, 240_000);

  it('reads one file at parallelism 3 through kill -9 of a TaskManager, checkpointing after the idle subtasks finished, with every line committed once', async () => {
    cluster = await TestCluster.start({ taskManagers: 2, slots: 2 });
    const records = 20_000;
    const input = mkdtempSync(join(tmpdir(), 'sage-finished-files-in-'));
    mkdirSync(input, { recursive: true });
    writeFileSync(join(input, 'numbers.txt'), Array.from({ length: records }, (_, n) => `${n}\n`).join(''));
    const out = mkdtempSync(join(tmpdir(), 'sage-finished-files-out-'));
    const jobId = await submit('file-counts.ts', ['-p', '3', '--', input, out, '2500']);

    const going = await waitForCheckpointsAfterFinished(jobId, 'Lines', 2);
    const reader = sourceTasks(going, 'Lines').find((t) => t.state === 'RUNNING')!;
    const index = Number(/tm-(\d+)/.exec(reader.taskManager)![1]) - 1;
    cluster.taskManagers[index]!.child.kill('SIGKILL');
    // A replacement, so the job has its three slots again.
    await cluster.addTaskManager('tm-3', 2);

    const done = await cluster.waitForJobState(jobId, ['FINISHED', 'FAILED'], 180_000);
    expect(done.state, JSON.stringify(done.failure)).toBe('FINISHED');
    expect((done as Status).restarts).toBeGreaterThanOrEqual(1);
    expectExactCounts(committed(out), records);
  }, 240_000);
});
