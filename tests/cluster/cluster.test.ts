/**
 * The cluster end to end: a real JobManager and TaskManagers as separate processes on loopback, jobs
 * submitted with `sage run --jobmanager`, operated with `sage list/status/cancel`.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TestCluster } from '../support/cluster.js';
import { repoRoot, sage, waitFor } from '../support/sage-cli.js';

const jobs = join(repoRoot, 'tests/jobs');
let cluster: TestCluster | undefined;

afterEach(async () => {
  await cluster?.stop();
  cluster = undefined;
});

/** A seeded corpus of text files: the same words every run. */
function writeCorpus(dir: string): void {
  mkdirSync(dir, { recursive: true });
  const words = ['stream', 'state', 'barrier', 'key', 'group', 'window', 'sink', 'source', 'task', 'slot', 'credit', 'shuffle'];
  let seed = 42;
  const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % words.length;
  for (let file = 0; file < 4; file++) {
    const lines: string[] = [];
    for (let line = 0; line < 500; line++) lines.push(Array.from({ length: 12 }, () => words[next()]).join(' '));
    writeFileSync(join(dir, `part-${file}.txt`), lines.join('\n') + '\n');
  }
}

/** Every committed record under a FileSink directory, sorted, as JSON lines. */
function committedRecords(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => !f.startsWith('.'))
    .flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n').filter((l) => l.length > 0))
    .sort();
}

describe('a cluster of one JobManager and two TaskManagers', () => {
  it('runs a word count at parallelism 4 spread over both TaskManagers with exactly the local result', async () => {
    const work = mkdtempSync(join(tmpdir(), 'sage-wc-'));
    writeCorpus(join(work, 'in'));
    const local = await sage(['run', join(jobs, 'word-count-files.ts'), '--local', '-p', '4', '--', join(work, 'in'), join(work, 'local')]);
    expect(local.code, local.stderr).toBe(0);

    cluster = await TestCluster.start({ taskManagers: 2, slots: 2 });
    const run = await cluster.sage(['run', join(jobs, 'word-count-files.ts'), '-p', '4', '--', join(work, 'in'), join(work, 'cluster')], { cwd: work });
    expect(run.code, run.stderr).toBe(0);

    const expected = committedRecords(join(work, 'local'));
    expect(expected.length).toBe(4 * 500 * 12);
    expect(committedRecords(join(work, 'cluster'))).toEqual(expected);

    const list = await cluster.sage(['list']);
    expect(list.stdout).toMatch(/FINISHED/);
    const jobId = /[0-9a-f]{32}/.exec(list.stdout)![0];
    const status = await cluster.status(jobId);
    expect(status.state).toBe('FINISHED');
    expect(new Set(status.tasks.map((t) => t.taskManager))).toEqual(new Set(['tm-1', 'tm-2']));
    expect(status.tasks.every((t) => t.state === 'FINISHED')).toBe(true);
    for (const state of ['CREATED', 'RUNNING', 'FINISHED']) expect(status.stateTimestamps[state]).toBeGreaterThan(0);
  });

  it('cancels a running job and stops every one of its tasks', async () => {
    cluster = await TestCluster.start({ taskManagers: 2, slots: 2 });
    const submitted = await cluster.sage(['run', join(jobs, 'endless.ts'), '-p', '4', '--detached']);
    expect(submitted.code, submitted.stderr).toBe(0);
    const jobId = /[0-9a-f]{32}/.exec(submitted.stdout)![0];
    await cluster.waitForJobState(jobId, ['RUNNING']);
    await waitFor(async () => (await cluster!.status(jobId)).tasks.every((t) => t.state === 'RUNNING'), 30_000, () => 'all tasks RUNNING');

    const cancel = await cluster.sage(['cancel', jobId]);
    expect(cancel.code, cancel.stderr).toBe(0);
    const status = await cluster.waitForJobState(jobId, ['CANCELED']);
    expect(status.tasks.map((t) => t.state)).toEqual(status.tasks.map(() => 'CANCELED'));
    for (const tm of cluster.taskManagers) await tm.waitForLog('"state":"CANCELED"');
  });

  it('fails a job that needs more slots than the cluster has, saying how many it needs and has', async () => {
    cluster = await TestCluster.start({ taskManagers: 1, slots: 1, jobManager: { slotWaitTimeoutMs: 1500 } });
    const run = await cluster.sage(['run', join(jobs, 'endless.ts'), '-p', '4']);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/needs 4 slots/);
    expect(run.stderr).toMatch(/1 in all on 1 TaskManager/);
  });

  it('fails a job whose TaskManager is killed, with a cause naming that TaskManager', async () => {
    cluster = await TestCluster.start({ taskManagers: 2, slots: 1 });
    const submitted = await cluster.sage(['run', join(jobs, 'endless.ts'), '-p', '2', '--detached']);
    const jobId = /[0-9a-f]{32}/.exec(submitted.stdout)![0];
    await waitFor(async () => (await cluster!.status(jobId)).tasks.every((t) => t.state === 'RUNNING'), 30_000, () => 'all tasks RUNNING');

    cluster.taskManagers[1]!.child.kill('SIGKILL');
    const status = await cluster.waitForJobState(jobId, ['FAILED']);
    expect(`${status.failure!.message} ${status.failure!.location}`).toMatch(/tm-2/);
  });

  it("reports a user exception with the user's stack trace", async () => {
    cluster = await TestCluster.start({ taskManagers: 2, slots: 1 });
    const run = await cluster.sage(['run', join(jobs, 'failing.ts'), '-p', '2']);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/TypeError: record 5000 failed validation/);
    expect(run.stderr).toMatch(/validate .*tests\/jobs\/failing\.ts:5/);
    expect(run.stderr).toMatch(/on tm-[12]/);
  });

  it('refuses a job whose TaskManagers re-plan it to a different fingerprint', async () => {
    cluster = await TestCluster.start({ taskManagers: 1, slots: 1 });
    const run = await cluster.sage(['run', join(jobs, 'random-plan.ts')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/InvalidJobGraph|fingerprint/);
    expect(run.stderr).toMatch(/planned to fingerprint [0-9a-f]+, but [0-9a-f]+ was submitted/);
  });

  it('stops a TaskManager and a JobManager cleanly on SIGTERM, cancelling their tasks', async () => {
    cluster = await TestCluster.start({ taskManagers: 2, slots: 1 });
    const submitted = await cluster.sage(['run', join(jobs, 'endless.ts'), '-p', '2', '--detached']);
    const jobId = /[0-9a-f]{32}/.exec(submitted.stdout)![0];
    await waitFor(async () => (await cluster!.status(jobId)).tasks.every((t) => t.state === 'RUNNING'), 30_000, () => 'all tasks RUNNING');
    expect(await cluster.taskManagers[0]!.stop(5_000)).toBe(0);
    const status = await cluster.waitForJobState(jobId, ['FAILED'], 10_000);
    expect(status.failure!.message).toMatch(/tm-1/);
    expect(await cluster.taskManagers[1]!.stop(5_000)).toBe(0);
    expect(cluster.taskManagers[1]!.stderr).toMatch(/TaskManager stopped/);
    expect(await cluster.jobManager.stop(5_000)).toBe(0);
  });

  it('keeps TaskManager memory bounded behind a slow sink, losing and reordering nothing', async () => {
    const records = 300_000;
    const out = mkdtempSync(join(tmpdir(), 'sage-bp-'));
    cluster = await TestCluster.start({ taskManagers: 2, slots: 1 });
    const submitted = await cluster.sage(['run', join(jobs, 'slow-sink.ts'), '-p', '2', '--detached', '--', String(records), out]);
    expect(submitted.code, submitted.stderr).toBe(0);
    const jobId = /[0-9a-f]{32}/.exec(submitted.stdout)![0];

    // While the job runs, the records read but not yet written stay within what the channels hold.
    let maxInFlight = 0;
    let maxRssMb = 0;
    let state = 'CREATED';
    while (!['FINISHED', 'FAILED', 'CANCELED'].includes(state)) {
      const status = await cluster.status(jobId);
      state = status.state;
      const read = status.tasks.filter((t) => t.vertex.startsWith('Source')).reduce((n, t) => n + t.recordsIn, 0);
      const written = status.tasks.filter((t) => t.vertex.includes('Sink')).reduce((n, t) => n + t.recordsOut, 0);
      maxInFlight = Math.max(maxInFlight, read - written);
      for (const tm of cluster.taskManagers) maxRssMb = Math.max(maxRssMb, rssMb(tm.pid));
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    expect(state).toBe('FINISHED');
    expect(maxInFlight).toBeGreaterThan(0);
    expect(maxInFlight).toBeLessThan(records / 3);
    expect(maxRssMb).toBeLessThan(400);

    const seen = new Map<number, number>();
    let total = 0;
    for (const file of readdirSync(out)) {
      const lastBySource = new Map<number, number>();
      for (const line of readFileSync(join(out, file), 'utf8').split('\n')) {
        if (!line) continue;
        const [source, seq] = line.split(' ').map(Number) as [number, number];
        expect(seq).toBeGreaterThan(lastBySource.get(source) ?? -1);
        lastBySource.set(source, seq);
        seen.set(seq, (seen.get(seq) ?? 0) + 1);
        total++;
      }
    }
    expect(total).toBe(records);
    expect(seen.size).toBe(records);
  });
});

function rssMb(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}
