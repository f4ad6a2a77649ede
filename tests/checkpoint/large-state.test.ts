/**
 * Large keyed state must not stall heartbeats (issue 10, point 5): ~100 MB of keyed state in one
 * subtask on one TaskManager process, checkpointed every second, with a heartbeat timeout of 3 s.
 * Snapshots used to be serialized in one go on the task's event loop, long enough for the JobManager
 * to declare the TaskManager lost and restart the job; now they are serialized in slices between
 * records. (1.5 s proved too tight: the whole suite beside a CPU hog once saw the TaskManager silent
 * for 1.5 s with the sliced snapshots.)
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TestCluster } from '../support/cluster.js';
import { repoRoot, waitFor } from '../support/sage-cli.js';

const job = join(repoRoot, 'tests/jobs/large-state-sums.ts');
const KEYS = 800_000;
/** Every key has state after the first round; the job runs on for the others, ~10 s of checkpoints of all of it. */
const ROUNDS = 4;
const RATE = 250_000;
let cluster: TestCluster | undefined;

afterEach(async () => {
  await cluster?.stop();
  cluster = undefined;
});

function committedLines(dir: string): string[] {
  return readdirSync(dir)
    .filter((f) => !f.startsWith('.'))
    .flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n').filter((l) => l.length > 0))
    .sort();
}

function expectedLines(): string[] {
  const lines: string[] = [];
  for (let key = 0; key < KEYS; key += 1000) {
    let sum = 0;
    for (let round = 0; round < ROUNDS; round++) sum += round * KEYS + key;
    lines.push(JSON.stringify({ key, count: ROUNDS, sum }));
  }
  return lines.sort();
}

describe('large keyed state under checkpoints', () => {
  it('checkpoints ~100 MB of keyed state with a 3 s heartbeat timeout and no restart, output exact', async () => {
    cluster = await TestCluster.start({ taskManagers: 1, slots: 1, jobManager: { heartbeatIntervalMs: 200, heartbeatTimeoutMs: 3000 } });
    const out = mkdtempSync(join(tmpdir(), 'sage-large-state-'));
    const submitted = await cluster.sage(['run', job, '--detached', '-p', '1', '--', String(KEYS), String(ROUNDS), String(RATE), out]);
    expect(submitted.code, submitted.stderr).toBe(0);
    const jobId = /[0-9a-f]{32}/.exec(submitted.stdout)![0];
    let last: { state: string; restarts?: number; checkpoints?: { completed: number; last?: { stateSize: number } | null } } | undefined;
    let largest = 0;
    await waitFor(
      async () => {
        last = (await cluster!.status(jobId)) as unknown as typeof last;
        largest = Math.max(largest, Number(last!.checkpoints?.last?.stateSize ?? 0));
        return ['FINISHED', 'FAILED', 'CANCELED'].includes(last!.state);
      },
      240_000,
      () => `job ${jobId} to end; last status ${JSON.stringify(last)}`,
    );
    expect(last!.state, JSON.stringify(last)).toBe('FINISHED');
    expect(last!.restarts, JSON.stringify(last)).toBe(0);
    expect(Number(last!.checkpoints?.completed ?? 0)).toBeGreaterThanOrEqual(1);
    // The checkpoints carried the large state (polling may miss some, so the largest seen is a lower bound).
    expect(largest).toBeGreaterThan(50e6);
    expect(committedLines(out)).toEqual(expectedLines());
  });
});
