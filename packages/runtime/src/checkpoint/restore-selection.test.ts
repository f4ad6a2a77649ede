import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileCheckpointStorage } from './file-checkpoint-storage.js';
import { CorruptCheckpointNotRestored, NoUsableCheckpoint, selectRestoreCheckpoint } from './restore-selection.js';

const silent = { warn: () => {} };

describe('selectRestoreCheckpoint', () => {
  let root: string;
  let storage: FileCheckpointStorage;

  beforeEach(async () => {
    root = mkdtempSync(join(tmpdir(), 'sage-select-'));
    storage = new FileCheckpointStorage(root);
    for (const id of [1, 2, 3]) {
      const handle = await storage.writeState('job', id, 'counts-0', new TextEncoder().encode(`state ${id}`));
      await storage.completeCheckpoint({ jobId: 'job', checkpointId: id, timestamp: 1_000 + id, savepoint: false, operators: { counts: { parallelism: 1, maxParallelism: 128, subtasks: { 0: handle } } } });
    }
  });

  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const damage = (id: number, metadata: string) => writeFileSync(join(root, 'job', `chk-${id}`, '_metadata'), metadata);

  it('skips a checkpoint whose metadata is garbage and says why', async () => {
    damage(3, '{garbage');
    const choice = await selectRestoreCheckpoint(storage, 'job', silent);
    expect(choice.checkpoint?.checkpointId).toBe(2);
    expect(choice.skipped).toEqual([{ checkpointId: 3, problem: expect.stringMatching(/^its metadata is not valid JSON/) }]);
  });

  it('skips metadata of the wrong shape: a missing field, another checkpoint id, a bad handle', async () => {
    damage(3, JSON.stringify({ jobId: 'job', checkpointId: 3, timestamp: 1, savepoint: false }));
    damage(2, JSON.stringify({ jobId: 'job', checkpointId: 7, timestamp: 1, savepoint: false, operators: {} }));
    const choice = await selectRestoreCheckpoint(storage, 'job', silent);
    expect(choice.checkpoint?.checkpointId).toBe(1);
    expect(choice.skipped.map((s) => s.problem)).toEqual([
      'its metadata is malformed: operators is missing or not an object',
      'its metadata is malformed: checkpointId is 7, expected 2',
    ]);
    damage(1, JSON.stringify({ jobId: 'job', checkpointId: 1, timestamp: 1, savepoint: false, operators: { counts: { parallelism: 1, maxParallelism: 128, subtasks: { 0: { uri: 'x', bytes: 1 } } } } }));
    await expect(selectRestoreCheckpoint(storage, 'job', silent)).rejects.toThrow(NoUsableCheckpoint);
  });

  it("fails naming the damaged checkpoint and the older ones when the job says 'fail'", async () => {
    damage(3, 'garbage');
    const error = await selectRestoreCheckpoint(storage, 'job', silent, 'fail').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CorruptCheckpointNotRestored);
    expect((error as Error).message).toMatch(/^Checkpoint 3 of job job cannot be restored: its metadata is not valid JSON .*onCorruptCheckpoint: 'fail'.*older checkpoints: 2, 1/);
  });

  it('restores the newest checkpoint and skips nothing when all are intact', async () => {
    const choice = await selectRestoreCheckpoint(storage, 'job', silent, 'fail');
    expect(choice).toMatchObject({ checkpoint: { checkpointId: 3 }, skipped: [] });
  });
});
