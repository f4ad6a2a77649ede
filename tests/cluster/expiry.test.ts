/**
 * An ended job does not stay in Redis for ever: every key of it (record, checkpoint metadata, blobs and
 * their index, counter, listing) and its artifact get a time to live of completedJobRetentionMs, except
 * its savepoints; when that has passed, they are gone and the JobManager has forgotten the job. And a
 * TestCluster leaves no `sage:test-*` key behind.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { TEST_REDIS, TestCluster } from '../support/cluster.js';
import { repoRoot, waitFor } from '../support/sage-cli.js';

const job = join(repoRoot, 'tests/jobs/checkpointed-sums.ts');
let cluster: TestCluster | undefined;
let redis: Redis;

beforeAll(() => {
  redis = new Redis(TEST_REDIS);
});
afterAll(async () => {
  await redis.quit();
});
afterEach(async () => {
  await cluster?.stop();
  cluster = undefined;
});

async function keysOf(pattern: string): Promise<string[]> {
  const found: string[] = [];
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    found.push(...keys);
  } while (cursor !== '0');
  return found.sort();
}

async function submit(args: readonly string[]): Promise<string> {
  const submitted = await cluster!.sage(['run', job, '--detached', ...args]);
  expect(submitted.code, submitted.stderr).toBe(0);
  return /[0-9a-f]{32}/.exec(submitted.stdout)![0];
}

describe('an ended job in Redis', () => {
  it('gets a time to live on every key but its savepoint, and its artifact too', async () => {
    const retentionMs = 600_000;
    cluster = await TestCluster.start({ taskManagers: 1, slots: 2, jobManager: { completedJobRetentionMs: retentionMs } });
    const out = mkdtempSync(join(tmpdir(), 'sage-expiry-'));
    const jobId = await submit(['-p', '2', '--', '20000', '5000', out]);
    await waitFor(async () => ((await cluster!.status(jobId)) as unknown as { checkpoints: { completed: number } }).checkpoints.completed >= 1, 60_000, () => 'a checkpoint');
    const savepoint = await cluster.sage(['savepoint', jobId]);
    expect(savepoint.code, savepoint.stderr).toBe(0);
    const savepointId = Number(savepoint.stdout.trim().split('/')[1]);
    const final = await cluster.waitForJobState(jobId, ['FINISHED', 'FAILED'], 120_000);
    expect(final.state, JSON.stringify(final.failure)).toBe('FINISHED');

    const prefix = `sage:${cluster.clusterId}`;
    const jobKeys = await keysOf(`${prefix}:job:${jobId}:*`);
    expect(jobKeys).toContain(`${prefix}:job:${jobId}:record`);
    expect(jobKeys).toContain(`${prefix}:job:${jobId}:checkpoint-counter`);
    expect(jobKeys.some((k) => /:chk:\d+:state:/.test(k))).toBe(true);
    // The expiry is set once the job has ended, which its status may show a moment before.
    await waitFor(async () => (await redis.pttl(`${prefix}:job:${jobId}:record`)) > 0, 10_000, () => 'the record to expire');
    const kept = [`${prefix}:job:${jobId}:checkpoints`, ...jobKeys.filter((k) => k.startsWith(`${prefix}:job:${jobId}:chk:${savepointId}:`))];
    expect(kept.length).toBeGreaterThan(2);
    for (const key of jobKeys) {
      const ttl = await redis.pttl(key);
      if (kept.includes(key)) expect(ttl, key).toBe(-1);
      else {
        expect(ttl, key).toBeGreaterThan(0);
        expect(ttl, key).toBeLessThanOrEqual(retentionMs);
      }
    }
    const artifacts = await keysOf(`${prefix}:artifact:*`);
    expect(artifacts).toHaveLength(1);
    expect(await redis.pttl(artifacts[0]!)).toBeGreaterThan(0);
    // Within the retention the job is still there to look at.
    expect((await cluster.status(jobId)).state).toBe('FINISHED');
  }, 180_000);

  it('is gone, keys and status, once the retention has passed; and the test cluster leaves no key behind', async () => {
    cluster = await TestCluster.start({ taskManagers: 1, slots: 2, jobManager: { completedJobRetentionMs: 2_000 } });
    const clusterId = cluster.clusterId;
    const out = mkdtempSync(join(tmpdir(), 'sage-expired-'));
    const jobId = await submit(['-p', '2', '--', '4000', '4000', out]);
    await cluster.waitForJobState(jobId, ['FINISHED', 'FAILED'], 120_000);
    await waitFor(async () => (await keysOf(`sage:${clusterId}:*`)).length === 0, 30_000, () => `the keys of cluster ${clusterId} to expire`);
    await waitFor(async () => (await cluster!.sage(['status', jobId])).code !== 0, 30_000, () => 'the JobManager to forget the job');
    const status = await cluster.sage(['status', jobId]);
    expect(status.stderr).toContain(`No job ${jobId}`);

    // A job that runs when the cluster stops leaves keys; TestCluster's teardown deletes them.
    await submit(['-p', '2', '--', '1000000', '1000', out]);
    await waitFor(async () => (await keysOf(`sage:${clusterId}:*`)).length > 0, 30_000, () => 'keys of a running job');
    await cluster.stop();
    cluster = undefined;
    expect(await keysOf(`sage:${clusterId}:*`)).toEqual([]);
  }, 180_000);
});
