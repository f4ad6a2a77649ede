/**
 * The JobManager's memory of its jobs, in Redis, so that a restarted JobManager takes its running jobs
 * back (Flink's JobGraphStore in high-availability mode):
 *   sage:{cluster}:job:{id}:record      the job's record (JSON), beside its checkpoints
 *   sage:{cluster}:artifact:{sha-256}   the job module bundle the TaskManagers fetch
 * A record is written when the job is submitted and updated at each new attempt and at its end; from
 * its end it expires with the rest of the job's keys. Artifacts are content-addressed, so jobs of the
 * same bundle share one; it expires once no job that is still running uses it.
 * One key per record (not one hash of all) because Redis before 7.4 cannot expire a hash field.
 */
import { Redis, type RedisOptions } from 'ioredis';
import { RedisUnreachable } from './errors.js';
import { globEscape, scanKeys } from './key-scan.js';

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

/** A stored record, and whether it already counts down to its expiry. */
export interface StoredJobEntry {
  readonly job: StoredJob;
  /** False for an ended job whose expiry was never set (its JobManager died first). */
  readonly expiring: boolean;
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

  /** Writes the record of a job that is to run (no expiry). */
  async putJob(job: StoredJob): Promise<void> {
    await this.redis.set(this.recordKey(job.jobId), JSON.stringify(job));
  }

  /** Writes the record of an ended job, expiring after `retentionMs`. */
  async putEndedJob(job: StoredJob, retentionMs: number): Promise<void> {
    await this.redis.set(this.recordKey(job.jobId), JSON.stringify(job), 'PX', retentionMs);
  }

  /**
   * Every record of this cluster. A record that is not a job record (damaged, another version's) is
   * left out and told to `onUnreadable`, so one bad entry never keeps a JobManager from starting.
   */
  async jobs(onUnreadable: (key: string, problem: string) => void = () => {}): Promise<StoredJobEntry[]> {
    await this.migrateRecordHash();
    const entries: StoredJobEntry[] = [];
    await scanKeys(this.redis, `${globEscape(`${this.prefix}:job:`)}*:record`, async (keys) => {
      const pipeline = this.redis.pipeline();
      for (const key of keys) pipeline.get(key).pttl(key);
      const replies = (await pipeline.exec()) ?? [];
      keys.forEach((key, i) => {
        const text = replies[2 * i]?.[1] as string | null;
        const ttl = replies[2 * i + 1]?.[1] as number;
        if (text === null || text === undefined) return; // Expired between SCAN and GET.
        const job = parseStoredJob(text);
        if (typeof job === 'string') onUnreadable(key, job);
        else entries.push({ job, expiring: ttl >= 0 });
      });
    });
    return entries;
  }

  async putArtifact(hash: string, content: Buffer): Promise<void> {
    // A plain SET also clears an expiry left by an ended job of the same bundle.
    await this.redis.set(this.artifactKey(hash), content);
  }

  async artifact(hash: string): Promise<Buffer | undefined> {
    return (await this.redis.getBuffer(this.artifactKey(hash))) ?? undefined;
  }

  /** No running job uses the artifact any more: it goes after `retentionMs`, with the ended jobs' records. */
  async expireArtifact(hash: string, retentionMs: number): Promise<void> {
    await this.redis.pexpire(this.artifactKey(hash), retentionMs);
  }

  /** A job that runs again (recovered) needs its artifact for good. */
  async keepArtifact(hash: string): Promise<void> {
    await this.redis.persist(this.artifactKey(hash));
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  private recordKey(jobId: string): string {
    return `${this.prefix}:job:${jobId}:record`;
  }

  private artifactKey(hash: string): string {
    return `${this.prefix}:artifact:${hash}`;
  }

  /** Earlier versions kept every record in one hash, `sage:{cluster}:jobs`: move them to their own keys. */
  private async migrateRecordHash(): Promise<void> {
    const legacy = `${this.prefix}:jobs`;
    if ((await this.redis.type(legacy)) !== 'hash') return;
    const records = await this.redis.hgetall(legacy);
    for (const [jobId, json] of Object.entries(records)) await this.redis.set(this.recordKey(jobId), json, 'NX');
    await this.redis.unlink(legacy);
  }
}

/** The record, or what is wrong with it. */
function parseStoredJob(text: string): StoredJob | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return `not valid JSON (${(error as Error).message})`;
  }
  if (typeof value !== 'object' || value === null) return 'not an object';
  const job = value as Record<string, unknown>;
  if (typeof job.jobId !== 'string' || !/^[0-9a-f]+$/.test(job.jobId)) return 'jobId is missing or not hex';
  if (typeof job.spec !== 'object' || job.spec === null) return 'spec is missing';
  const spec = job.spec as Record<string, unknown>;
  if (typeof spec.artifactHash !== 'string' || typeof spec.jobGraphJson !== 'string' || typeof spec.jobName !== 'string') {
    return 'spec lacks jobName, artifactHash or jobGraphJson';
  }
  if (typeof job.submittedAt !== 'number' || !Number.isSafeInteger(job.attempt)) return 'submittedAt or attempt is not a number';
  if (job.endState !== undefined && job.endState !== 'FINISHED' && job.endState !== 'CANCELED' && job.endState !== 'FAILED') {
    return `endState ${JSON.stringify(job.endState)} is not FINISHED, CANCELED or FAILED`;
  }
  if (job.fromSavepoint !== undefined && typeof job.fromSavepoint !== 'string') return 'fromSavepoint is not a string';
  return job as unknown as StoredJob;
}
