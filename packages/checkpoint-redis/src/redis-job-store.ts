/**
 * The JobManager's memory of its jobs, in Redis, so that a restarted JobManager takes its running jobs
 * back (Flink's JobGraphStore in high-availability mode):
 *   sage:{cluster}:jobs                 hash: job id → the job's record (JSON)
 *   sage:{cluster}:artifact:{sha-256}   the job module bundle the TaskManagers fetch
 * A record is written when the job is submitted and updated at each new attempt and at its end;
 * artifacts are content-addressed, so jobs of the same bundle share one.
 */
import { Redis, type RedisOptions } from 'ioredis';
import { RedisUnreachable } from './errors.js';

export interface StoredJob {
  readonly jobId: string;
  /** The SubmitJob spec (job name, artifact hash, args, graph JSON, fingerprint), as the JobManager received it. */
  readonly spec: unknown;
  readonly submittedAt: number;
  /** The latest attempt number handed out; a recovered job continues above it. */
  readonly attempt: number;
  /** Terminal state, once the job has ended; undefined while it is to be run. */
  readonly endState?: 'FINISHED' | 'CANCELED' | 'FAILED';
  /** A savepoint the job was started from: `<job id>/<checkpoint id>`. */
  readonly fromSavepoint?: string;
  readonly allowNonRestoredState?: boolean;
}

export class RedisJobStore {
  private readonly redis: Redis;
  private readonly prefix: string;

  constructor(options: { readonly redis: string | RedisOptions; readonly clusterId: string }) {
    const common = { maxRetriesPerRequest: 3 };
    this.redis = typeof options.redis === 'string' ? new Redis(options.redis, common) : new Redis({ ...common, ...options.redis });
    this.redis.on('error', () => {});
    this.prefix = `sage:${options.clusterId}`;
  }

  /** Fails fast with a message saying what to do when Redis is not there. */
  async ping(timeoutMs: number, what: string): Promise<void> {
    const timeout = new Promise<never>((_, reject) =>
      setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs).unref(),
    );
    try {
      await Promise.race([this.redis.ping(), timeout]);
    } catch (error) {
      throw new RedisUnreachable(`Cannot reach Redis at ${what}: ${(error as Error).message} — start Redis, or point the JobManager at yours with the 'redis' setting`, error);
    }
  }

  async putJob(job: StoredJob): Promise<void> {
    await this.redis.hset(`${this.prefix}:jobs`, job.jobId, JSON.stringify(job));
  }

  async jobs(): Promise<StoredJob[]> {
    const all = await this.redis.hvals(`${this.prefix}:jobs`);
    return all.map((json) => JSON.parse(json) as StoredJob);
  }

  async putArtifact(hash: string, content: Buffer): Promise<void> {
    await this.redis.set(`${this.prefix}:artifact:${hash}`, content);
  }

  async artifact(hash: string): Promise<Buffer | undefined> {
    return (await this.redis.getBuffer(`${this.prefix}:artifact:${hash}`)) ?? undefined;
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
