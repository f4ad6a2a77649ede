/**
 * The CheckpointStorage contract, held by both implementations: the file system (local runs) and a
 * real Redis (clusters; the test command starts one on 127.0.0.1:6379 if none is running).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { CorruptCheckpoint, FileCheckpointStorage, finalStateNamespace, type CheckpointStorage, type CompletedCheckpoint } from '@sage/runtime';
import { RedisCheckpointStorage } from '@sage/checkpoint-redis';

const REDIS_URL = process.env.SAGE_TEST_REDIS ?? 'redis://127.0.0.1:6379/0';

interface Subject {
  storage: CheckpointStorage;
  /** Damages a stored blob behind the storage's back. */
  corrupt(uri: string): Promise<void>;
  /** Overwrites a completed checkpoint's metadata behind the storage's back. */
  overwriteMetadata(jobId: string, checkpointId: number, text: string): Promise<void>;
  cleanUp(): Promise<void>;
}

const subjects: Record<string, () => Subject> = {
  files: () => {
    const root = mkdtempSync(join(tmpdir(), 'sage-chk-'));
    return {
      storage: new FileCheckpointStorage(root),
      corrupt: async (uri) => writeFileSync(uri, 'garbage'),
      overwriteMetadata: async (jobId, id, text) => writeFileSync(join(root, jobId, `chk-${id}`, '_metadata'), text),
      cleanUp: async () => rmSync(root, { recursive: true, force: true }),
    };
  },
  redis: () => {
    const clusterId = `test-${randomBytes(4).toString('hex')}`;
    const admin = new Redis(REDIS_URL);
    return {
      storage: new RedisCheckpointStorage({ redis: REDIS_URL, clusterId }),
      corrupt: async (uri) => void (await admin.set(uri, 'garbage')),
      overwriteMetadata: async (jobId, id, text) => void (await admin.set(`sage:${clusterId}:job:${jobId}:chk:${id}:meta`, text)),
      cleanUp: async () => {
        const keys = await admin.keys(`sage:${clusterId}:*`);
        if (keys.length > 0) await admin.del(...keys);
        await admin.quit();
      },
    };
  },
};

function checkpoint(jobId: string, checkpointId: number, handles: CompletedCheckpoint['operators'][string]['subtasks']): CompletedCheckpoint {
  return { jobId, checkpointId, timestamp: 1_000 + checkpointId, savepoint: false, operators: { counts: { parallelism: 2, maxParallelism: 128, subtasks: handles } } };
}

for (const [name, create] of Object.entries(subjects)) {
  describe(`${name} checkpoint storage`, () => {
    let subject: Subject;
    afterEach(async () => {
      await subject.storage.close();
      await subject.cleanUp();
    });

    it('keeps a checkpoint invisible until it is completed, then lists it newest first with its blobs', async () => {
      subject = create();
      const { storage } = subject;
      const a = await storage.writeState('job', 1, 'counts-0', new Uint8Array([1, 2, 3]));
      expect(await storage.listCheckpoints('job')).toEqual([]);
      await storage.completeCheckpoint(checkpoint('job', 1, { 0: a }));
      const b = await storage.writeState('job', 2, 'counts-0', new Uint8Array(100_000).fill(7));
      await storage.completeCheckpoint(checkpoint('job', 2, { 0: b }));
      await storage.writeState('job', 3, 'counts-0', new Uint8Array([9])); // never completed
      const listed = await storage.listCheckpoints('job');
      expect(listed.map((c) => c.checkpointId)).toEqual([2, 1]);
      expect([...(await storage.readState(listed[0]!.operators.counts!.subtasks[0]!))]).toEqual([...new Uint8Array(100_000).fill(7)]);
      expect(await storage.listCheckpoints('other-job')).toEqual([]);
    });

    it('stores a blob of many write pieces intact, with the checksum of all of it', async () => {
      subject = create();
      const { storage } = subject;
      // 4 MB pieces in Redis: three whole ones and a partial last one, every byte different from its neighbours.
      const bytes = new Uint8Array(14 * 1024 * 1024 + 123);
      for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 31 + (i >> 12)) & 0xff;
      const handle = await storage.writeState('job', 1, 'counts-0', bytes);
      expect(handle.bytes).toBe(bytes.length);
      const read = await storage.readState(handle);
      expect(read.length).toBe(bytes.length);
      expect(Buffer.compare(Buffer.from(read), Buffer.from(bytes))).toBe(0);
    });

    it('stores a blob given as pieces as their concatenation, with the checksum of the whole', async () => {
      subject = create();
      const { storage } = subject;
      // As a keyed snapshot comes: a small header, then key groups of every size (empty, a few bytes,
      // runs of small ones, over a write piece), some of them views into a larger buffer.
      const sizes = [17, 0, 3, 200_000, 90_000, 90_000, 90_000, 5 * 1024 * 1024 + 7, 1, 2 * 1024 * 1024, 0, 300_000, 4 * 1024 * 1024, 11];
      const backing = new Uint8Array(sizes.reduce((sum, size) => sum + size, 0) + 64);
      for (let i = 0; i < backing.length; i++) backing[i] = (i * 31 + (i >> 12)) & 0xff;
      const pieces: Uint8Array[] = [];
      let offset = 32;
      for (const size of sizes) {
        pieces.push(backing.subarray(offset, offset + size));
        offset += size;
      }
      const whole = backing.slice(32, offset);
      const handle = await storage.writeState('job', 1, 'counts-0', pieces);
      const asWhole = await storage.writeState('job', 1, 'counts-1', whole);
      expect(handle.bytes).toBe(whole.length);
      expect(handle.checksum).toBe(asWhole.checksum);
      const read = await storage.readState(handle);
      expect(Buffer.compare(Buffer.from(read), Buffer.from(whole))).toBe(0);
      // Small pieces only, under one write piece in all.
      const small = await storage.writeState('job', 1, 'counts-2', [whole.subarray(0, 10), whole.subarray(10, 20)]);
      expect(Buffer.compare(Buffer.from(await storage.readState(small)), Buffer.from(whole.subarray(0, 20)))).toBe(0);
      const empty = await storage.writeState('job', 1, 'counts-3', []);
      expect((await storage.readState(empty)).length).toBe(0);
    });

    it('refuses a corrupt or missing blob with CorruptCheckpoint naming it', async () => {
      subject = create();
      const { storage } = subject;
      const handle = await storage.writeState('job', 1, 'counts-1', new Uint8Array([1, 2, 3]));
      await subject.corrupt(handle.uri);
      await expect(storage.readState(handle)).rejects.toThrow(CorruptCheckpoint);
      await expect(storage.readState(handle)).rejects.toThrow(/corrupt/);
      await expect(storage.readState({ ...handle, uri: `${handle.uri}-gone` })).rejects.toThrow(/missing/);
    });

    it('lists past garbled or wrongly shaped metadata, telling what is wrong with each entry', async () => {
      subject = create();
      const { storage } = subject;
      for (const id of [1, 2, 3]) {
        const handle = await storage.writeState('job', id, 'counts-0', new Uint8Array([id]));
        await storage.completeCheckpoint(checkpoint('job', id, { 0: handle }));
      }
      await subject.overwriteMetadata('job', 3, '{garbage');
      await subject.overwriteMetadata('job', 1, JSON.stringify({ ...checkpoint('job', 1, {}), savepoint: 'yes' }));
      const unreadable: { checkpointId: number; problem: string }[] = [];
      const listed = await storage.listCheckpoints('job', (entry) => unreadable.push(entry));
      expect(listed.map((c) => c.checkpointId)).toEqual([2]);
      expect(unreadable).toEqual([
        { checkpointId: 3, problem: expect.stringMatching(/^its metadata is not valid JSON \(/) },
        { checkpointId: 1, problem: 'its metadata is malformed: savepoint is "yes", not true or false' },
      ]);
    });

    it('discards a checkpoint: its listing and every blob', async () => {
      subject = create();
      const { storage } = subject;
      const handle = await storage.writeState('job', 5, 'counts-0', new Uint8Array([5]));
      await storage.completeCheckpoint(checkpoint('job', 5, { 0: handle }));
      await storage.writeState('job', 6, 'counts-0', new Uint8Array([6])); // aborted, never completed
      await storage.discardCheckpoint('job', 5);
      await storage.discardCheckpoint('job', 6);
      expect(await storage.listCheckpoints('job')).toEqual([]);
      await expect(storage.readState(handle)).rejects.toThrow(CorruptCheckpoint);
    });

    it('hands out checkpoint ids once each, above a restored savepoint when given one', async () => {
      subject = create();
      const { storage } = subject;
      expect(await storage.nextCheckpointId('fresh')).toBe(1);
      expect(await storage.nextCheckpointId('fresh')).toBe(2);
      // A job started from savepoint 7 of another job continues that sequence.
      const ids = await Promise.all([storage.nextCheckpointId('resumed', 7), storage.nextCheckpointId('resumed', 7), storage.nextCheckpointId('resumed', 7)]);
      expect(ids.sort((a, b) => a - b)).toEqual([8, 9, 10]);
      expect(await storage.nextCheckpointId('resumed', 7)).toBe(11);
    });

    it("copies a finished task's final state into a checkpoint, which owns the copy: it outlives the original and goes with the checkpoint", async () => {
      subject = create();
      const { storage } = subject;
      const final = await storage.writeState('job', finalStateNamespace(0), 'counts-1', new Uint8Array([4, 2]));
      const copy = await storage.copyState(final, 'job', 7, 'counts-1');
      expect(copy.uri).not.toBe(final.uri);
      await storage.completeCheckpoint(checkpoint('job', 7, { 1: copy }));
      expect((await storage.listCheckpoints('job')).map((c) => c.checkpointId)).toEqual([7]);
      await storage.discardCheckpoint('job', finalStateNamespace(0));
      await expect(storage.readState(final)).rejects.toThrow(CorruptCheckpoint);
      expect([...(await storage.readState(copy))]).toEqual([4, 2]);
      await expect(storage.copyState(final, 'job', 8, 'counts-1')).rejects.toThrow(CorruptCheckpoint);
      await storage.discardCheckpoint('job', 7);
      await expect(storage.readState(copy)).rejects.toThrow(CorruptCheckpoint);
    });
  });
}
