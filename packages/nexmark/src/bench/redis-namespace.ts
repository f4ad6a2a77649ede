/**
 * The benchmarks' own corner of Redis: a cluster id no other run uses, so every key they create
 * (`sage:{clusterId}:…`: checkpoint blobs and metadata, checkpoint counters, a JobManager's job store
 * and artifacts) can be found and deleted at the end without touching anyone else's.
 */
import { randomBytes } from 'node:crypto';
import { RedisCheckpointStorage } from '@sage/checkpoint-redis';
import { Redis } from 'ioredis';

/** The Redis the JobManager uses by default, and the one the benchmarks expect. */
export const BENCH_REDIS = 'redis://127.0.0.1:6379';

export class BenchRedisNamespace {
  readonly clusterId: string;

  constructor(purpose: string) {
    this.clusterId = `bench-${purpose}-${randomBytes(4).toString('hex')}`;
  }

  checkpointStorage(): RedisCheckpointStorage {
    return new RedisCheckpointStorage({ redis: BENCH_REDIS, clusterId: this.clusterId });
  }

  /** Discards every checkpoint of the jobs the way the runtime does, then deletes what else is left. */
  async clear(jobIds: Iterable<string>): Promise<void> {
    const storage = this.checkpointStorage();
    try {
      for (const jobId of jobIds) {
        for (const checkpoint of await storage.listCheckpoints(jobId)) await storage.discardCheckpoint(jobId, checkpoint.checkpointId);
      }
    } finally {
      await storage.close();
    }
    // Left after discarding: checkpoint counters, blobs of checkpoints aborted mid-write, the job store.
    const redis = new Redis(BENCH_REDIS, { maxRetriesPerRequest: 3 });
    try {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `sage:${this.clusterId}:*`, 'COUNT', 1000);
        if (keys.length > 0) await redis.unlink(...keys);
        cursor = next;
      } while (cursor !== '0');
    } finally {
      await redis.quit();
    }
  }
}
