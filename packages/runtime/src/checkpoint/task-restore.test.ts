import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileCheckpointStorage } from './file-checkpoint-storage.js';
import { serializeOperatorSnapshot, serializeOperatorState } from './operator-snapshot.js';
import { loadRestoredState } from './task-restore.js';

describe('loadRestoredState', () => {
  it('gives a finished subtask’s reader an empty list, not a fresh start, at the same and at another parallelism', async () => {
    const storage = new FileCheckpointStorage(await mkdtemp(join(tmpdir(), 'sage-restore-')));
    // Subtask 0 finished (its final state: no split left); subtask 1 still had one.
    const done = await storage.writeState('job', 1, 'src-0', serializeOperatorSnapshot(serializeOperatorState([]), undefined));
    const busy = await storage.writeState('job', 1, 'src-1', serializeOperatorSnapshot(serializeOperatorState([{ next: 5, end: 9 }]), undefined));
    const restore = { checkpointId: 1, operators: { src: { parallelism: 2, maxParallelism: 128, subtasks: { 0: done, 1: busy } } } };
    const state = async (subtask: number, parallelism: number) => (await loadRestoredState(restore, storage, ['src'], subtask, parallelism, 128)).get('src')!.operatorState;
    expect(await state(0, 2)).toEqual([]);
    expect(await state(1, 2)).toEqual([{ next: 5, end: 9 }]);
    expect(await state(0, 3)).toEqual([{ next: 5, end: 9 }]);
    expect(await state(1, 3)).toEqual([]);
    expect(await state(2, 3)).toEqual([]);
  });
});
