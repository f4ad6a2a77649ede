/**
 * The JobManager's job store on a real Redis: a record per key, validated when read, an ended job's
 * record expiring, and records of the older one-hash layout moved over.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { RedisJobStore, type StoredJob } from '@sage/checkpoint-redis';
import { deleteClusterKeys, TEST_REDIS } from '../support/cluster.js';

const spec = { jobName: 'Sums', artifactHash: 'ab'.repeat(32), jobGraphJson: '{}', args: [], fingerprint: 'f' };
const job = (jobId: string, extra: Partial<StoredJob> = {}): StoredJob => ({ jobId, spec, submittedAt: 1_000, attempt: 0, ...extra });

describe('RedisJobStore', () => {
  let clusterId: string;
  let store: RedisJobStore;
  let redis: Redis;

  beforeEach(() => {
    clusterId = `test-${randomBytes(6).toString('hex')}`;
    store = new RedisJobStore({ redis: TEST_REDIS, clusterId });
    redis = new Redis(TEST_REDIS);
  });

  afterEach(async () => {
    await store.close();
    await redis.quit();
    await deleteClusterKeys(clusterId);
  });

  it('lists running and ended jobs, an ended one expiring, and skips a damaged record naming it', async () => {
    await store.putJob(job('aa01'));
    await store.putEndedJob(job('aa02', { endState: 'FINISHED' }), 60_000);
    await redis.set(`sage:${clusterId}:job:aa03:record`, '{"jobId": "aa03", "spec"');
    await redis.set(`sage:${clusterId}:job:aa04:record`, JSON.stringify({ ...job('aa04'), endState: 'DONE' }));
    const unreadable: string[] = [];
    const entries = await store.jobs((key, problem) => unreadable.push(`${key}: ${problem}`));
    expect(entries.map((e) => [e.job.jobId, e.job.endState, e.expiring]).sort()).toEqual([
      ['aa01', undefined, false],
      ['aa02', 'FINISHED', true],
    ]);
    expect(unreadable.sort()).toEqual([
      expect.stringMatching(new RegExp(`^sage:${clusterId}:job:aa03:record: not valid JSON`)),
      `sage:${clusterId}:job:aa04:record: endState "DONE" is not FINISHED, CANCELED or FAILED`,
    ]);
    const ttl = await redis.pttl(`sage:${clusterId}:job:aa02:record`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });

  it('moves records from the older one-hash layout to a key each', async () => {
    await redis.hset(`sage:${clusterId}:jobs`, 'bb01', JSON.stringify(job('bb01')));
    const entries = await store.jobs();
    expect(entries.map((e) => e.job.jobId)).toEqual(['bb01']);
    expect(await redis.exists(`sage:${clusterId}:jobs`)).toBe(0);
    expect(JSON.parse((await redis.get(`sage:${clusterId}:job:bb01:record`))!)).toEqual(job('bb01'));
  });
});
