/**
 * Checkpoints in Redis, namespaced per cluster and job:
 *   sage:{cluster}:job:{job}:chk:{n}:state:{name}   a state blob (binary)
 *   sage:{cluster}:job:{job}:chk:{n}:blobs          set of the checkpoint's blob keys, for discarding
 *   sage:{cluster}:job:{job}:chk:{n}:meta           the checkpoint's metadata (JSON)
 *   sage:{cluster}:job:{job}:chk:{-1-a}:…           final states of the tasks of attempt a (never listed)
 *   sage:{cluster}:job:{job}:checkpoint-counter     the last checkpoint id handed out
 *   sage:{cluster}:job:{job}:checkpoints            sorted set of completed checkpoint ids
 * Once a job has ended, expireJob gives every one of its keys a time to live (savepoints excepted).
 * A checkpoint becomes visible when its metadata and its entry in the sorted set are written, together,
 * in one MULTI/EXEC; blobs of a checkpoint that never completes are never listed and are discarded.
 */
import { createHash } from 'node:crypto';
import { Redis, type RedisOptions } from 'ioredis';
import { globEscape, scanKeys } from './key-scan.js';
import {
  CorruptCheckpoint,
  decodeCheckpointMetadata,
  encodeCheckpointMetadata,
  sha256,
  type CheckpointStorage,
  type CompletedCheckpoint,
  type StateBytes,
  type StateHandle,
  type UnreadableCheckpoint,
} from '@sage/runtime';

/**
 * INCR, but never to `after` or below, in one atomic step (a savepoint and a periodic checkpoint may ask
 * at once). KEYS[1]: the job's checkpoint counter; ARGV[1]: `after`. Returns the id handed out.
 */
const NEXT_CHECKPOINT_ID_ABOVE = `
local next = redis.call('INCR', KEYS[1])
local floor = tonumber(ARGV[1]) + 1
if next < floor then
  redis.call('SET', KEYS[1], floor)
  next = floor
end
return next
`;

/**
 * A blob's bytes as the values of the commands that write it, in order: pieces of up to
 * WRITE_PIECE_BYTES, runs of small pieces joined. Buffers, since ioredis sends only Buffers as bytes.
 */
function writePieces(bytes: StateBytes): Buffer[] {
  const pieces: Buffer[] = [];
  let joined: Buffer[] = [];
  let joinedBytes = 0;
  const flush = () => {
    if (joined.length === 0) return;
    pieces.push(joined.length === 1 ? joined[0]! : Buffer.concat(joined, joinedBytes));
    joined = [];
    joinedBytes = 0;
  };
  for (const piece of bytes instanceof Uint8Array ? [bytes] : bytes) {
    if (piece.length === 0) continue;
    const buffer = Buffer.isBuffer(piece) ? piece : Buffer.from(piece.buffer, piece.byteOffset, piece.byteLength);
    if (buffer.length < JOINED_PIECE_BYTES) {
      joined.push(buffer);
      joinedBytes += buffer.length;
      if (joinedBytes >= JOINED_PIECE_BYTES) flush();
      continue;
    }
    flush();
    for (let offset = 0; offset < buffer.length; offset += WRITE_PIECE_BYTES) pieces.push(buffer.subarray(offset, offset + WRITE_PIECE_BYTES));
  }
  flush();
  return pieces;
}

export interface RedisCheckpointStorageOptions {
  /** redis://host:port/db, or ioredis options. */
  readonly redis: string | RedisOptions;
  /** Namespaces the keys of one Sage cluster. */
  readonly clusterId: string;
}

/** A state blob goes to Redis in pieces of at most this size (see writeState). */
const WRITE_PIECE_BYTES = 4 * 1024 * 1024;
/** Consecutive pieces of a blob smaller than this are joined into one command, so tiny key groups do not each cost one. */
const JOINED_PIECE_BYTES = 256 * 1024;

export class RedisCheckpointStorage implements CheckpointStorage {
  private readonly redis: Redis;
  private readonly prefix: string;

  constructor(options: RedisCheckpointStorageOptions) {
    const common = { lazyConnect: false, maxRetriesPerRequest: 3, enableOfflineQueue: true };
    this.redis = typeof options.redis === 'string' ? new Redis(options.redis, common) : new Redis({ ...common, ...options.redis });
    // Without a listener ioredis prints every failed reconnect; the failed command reports it instead.
    this.redis.on('error', () => {});
    this.prefix = `sage:${options.clusterId}`;
  }

  async nextCheckpointId(jobId: string, after = 0): Promise<number> {
    const counter = `${this.prefix}:job:${jobId}:checkpoint-counter`;
    if (after <= 0) return this.redis.incr(counter);
    return Number(await this.redis.eval(NEXT_CHECKPOINT_ID_ABOVE, 1, counter, after));
  }

  async writeState(jobId: string, checkpointId: number, name: string, bytes: StateBytes): Promise<StateHandle> {
    const base = this.checkpointKey(jobId, checkpointId);
    const key = `${base}:state:${name}`;
    // The blob's key goes into the checkpoint's index first, so discarding never scans the keyspace
    // and never misses a blob. Two commands, not a MULTI: ioredis copies a queued blob twice, which for
    // tens of megabytes costs more than the round trip.
    await this.redis.sadd(`${base}:blobs`, key);
    // In pieces: ioredis copies a command's arguments into one buffer, and that copy and the
    // checksum, done at once for a blob of a hundred megabytes, stalled the process's event loop
    // (heartbeats included) for hundreds of milliseconds. The last piece goes first, so Redis
    // allocates the whole string once; SETRANGE then fills it in place (APPEND would reallocate).
    const hash = createHash('sha256');
    const pieces = writePieces(bytes);
    const length = pieces.reduce((sum, piece) => sum + piece.length, 0);
    if (length <= WRITE_PIECE_BYTES) {
      const buffer = pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces, length);
      await this.redis.set(key, buffer);
      return { uri: key, bytes: length, checksum: hash.update(buffer).digest('hex') };
    }
    const last = pieces[pieces.length - 1]!;
    // One command at a time, each awaited, so records run between two pieces. Pipelining them (16 MB
    // unanswered) made checkpoints shorter but cost the job a quarter of its throughput while
    // checkpointing: the copies and the checksum came in bursts (checkpoint/keyed-state-200mb-min-pause).
    await this.redis.del(key);
    await this.redis.setrange(key, length - last.length, last);
    let offset = 0;
    for (let i = 0; i < pieces.length - 1; i++) {
      const piece = pieces[i]!;
      hash.update(piece);
      await this.redis.setrange(key, offset, piece);
      offset += piece.length;
    }
    hash.update(last);
    return { uri: key, bytes: length, checksum: hash.digest('hex') };
  }

  async readState(handle: StateHandle): Promise<Uint8Array> {
    const bytes = await this.redis.getBuffer(handle.uri);
    if (bytes === null) throw new CorruptCheckpoint(`State ${handle.uri} is missing from Redis`);
    if (sha256(bytes) !== handle.checksum) throw new CorruptCheckpoint(`State ${handle.uri} is corrupt: its checksum does not match`);
    return bytes;
  }

  async completeCheckpoint(checkpoint: CompletedCheckpoint): Promise<void> {
    const base = this.checkpointKey(checkpoint.jobId, checkpoint.checkpointId);
    const result = await this.redis
      .multi()
      .set(`${base}:meta`, encodeCheckpointMetadata(checkpoint))
      .zadd(this.listKey(checkpoint.jobId), checkpoint.checkpointId, String(checkpoint.checkpointId))
      .exec();
    const failed = result?.find(([error]) => error !== null);
    if (!result || failed) throw new Error(`Could not record checkpoint ${checkpoint.checkpointId} of job ${checkpoint.jobId} in Redis: ${String(failed?.[0] ?? 'transaction aborted')}`);
  }

  async listCheckpoints(jobId: string, onUnreadable?: (entry: UnreadableCheckpoint) => void): Promise<CompletedCheckpoint[]> {
    const ids = (await this.redis.zrevrange(this.listKey(jobId), 0, -1)).map(Number);
    if (ids.length === 0) return [];
    const metas = await this.redis.mget(ids.map((id) => `${this.checkpointKey(jobId, id)}:meta`));
    const checkpoints: CompletedCheckpoint[] = [];
    ids.forEach((id, i) => {
      const meta = metas[i];
      // Listed without metadata: written together, so it was deleted or expired behind the index's back.
      const decoded = meta == null ? { problem: 'its metadata is missing from Redis' } : decodeCheckpointMetadata(meta, jobId, id);
      if ('checkpoint' in decoded) checkpoints.push(decoded.checkpoint);
      else onUnreadable?.({ checkpointId: id, problem: decoded.problem });
    });
    return checkpoints;
  }

  async discardCheckpoint(jobId: string, checkpointId: number): Promise<void> {
    const base = this.checkpointKey(jobId, checkpointId);
    // Unlisted first, so a concurrent restore never picks a checkpoint whose blobs are going.
    await this.redis.zrem(this.listKey(jobId), String(checkpointId));
    const blobs = await this.redis.smembers(`${base}:blobs`);
    await this.redis.unlink(...blobs, `${base}:blobs`, `${base}:meta`);
  }

  async copyState(handle: StateHandle, jobId: string, checkpointId: number, name: string): Promise<StateHandle> {
    const base = this.checkpointKey(jobId, checkpointId);
    const key = `${base}:state:${name}`;
    // Indexed first, as in writeState; COPY stays inside Redis, however large the blob.
    await this.redis.sadd(`${base}:blobs`, key);
    const copied = await this.redis.copy(handle.uri, key, 'REPLACE');
    if (copied !== 1) throw new CorruptCheckpoint(`State ${handle.uri} is missing from Redis: it cannot be copied into checkpoint ${checkpointId}`);
    return { uri: key, bytes: handle.bytes, checksum: handle.checksum };
  }

  /**
   * The job has ended: every key under its namespace (checkpoint metadata, blobs and their index, the
   * counter, the listing, in-flight leftovers, the job record) expires after `retentionMs`, so its
   * retained checkpoints can still be resumed from until then. A savepoint's keys are kept for good,
   * and so is the listing while the job has a savepoint, because savepoints are found through it.
   * Idempotent: a JobManager that died between a job's end and this step runs it again at start.
   */
  async expireJob(jobId: string, retentionMs: number): Promise<void> {
    const savepoints = new Set((await this.listCheckpoints(jobId)).filter((c) => c.savepoint).map((c) => c.checkpointId));
    const jobPrefix = `${this.prefix}:job:${jobId}:`;
    const checkpointOf = /^chk:(\d+):/;
    await scanKeys(this.redis, `${globEscape(jobPrefix)}*`, async (keys) => {
      const pipeline = this.redis.pipeline();
      for (const key of keys) {
        const rest = key.slice(jobPrefix.length);
        const checkpoint = checkpointOf.exec(rest);
        if (checkpoint !== null && savepoints.has(Number(checkpoint[1]))) continue;
        if (key === this.listKey(jobId) && savepoints.size > 0) continue;
        pipeline.pexpire(key, retentionMs);
      }
      await pipeline.exec();
    });
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }

  private checkpointKey(jobId: string, checkpointId: number): string {
    return `${this.prefix}:job:${jobId}:chk:${checkpointId}`;
  }

  private listKey(jobId: string): string {
    return `${this.prefix}:job:${jobId}:checkpoints`;
  }
}

