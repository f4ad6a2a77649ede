import { describe, expect, it } from 'vitest';
import { keyGroupRangeForSubtask, ListStateDescriptor, MapStateDescriptor, ValueStateDescriptor } from '@sage/core';
import { HeapKeyedStateBackend } from './heap-keyed-state-backend.js';
import type { KeyedStateSnapshot } from './keyed-state-snapshot.js';

const MAX = 128;

function backend(parallelism: number, subtask: number): HeapKeyedStateBackend {
  return new HeapKeyedStateBackend(keyGroupRangeForSubtask(MAX, parallelism, subtask), MAX, 'Test');
}

/** Fills state for keys 0..199 across 2 subtasks, as a keyed operator at parallelism 2 would. */
function snapshotsAtParallelism2(): KeyedStateSnapshot[] {
  const subtasks = [backend(2, 0), backend(2, 1)];
  for (let key = 0; key < 200; key++) {
    const owner = subtasks.find((b) => {
      try {
        b.setCurrentKey(`k${key}`);
        return true;
      } catch {
        return false;
      }
    })!;
    owner.getState(new ValueStateDescriptor<number>('count')).update(key);
    owner.getState(new ListStateDescriptor<number>('seen')).add(key);
    owner.getState(new MapStateDescriptor<{ id: number }, string>('tags')).put({ id: key }, `tag-${key}`);
  }
  return subtasks.map((b) => b.snapshot());
}

describe('heap keyed state snapshots', () => {
  it('snapshot by key group and restore at parallelism 3 and 1 with every key intact', () => {
    const snapshots = snapshotsAtParallelism2();
    for (const parallelism of [1, 3]) {
      const restored = Array.from({ length: parallelism }, (_, i) => backend(parallelism, i));
      for (const b of restored) b.restore(snapshots);
      for (let key = 0; key < 200; key++) {
        const owners = restored.filter((b) => {
          try {
            b.setCurrentKey(`k${key}`);
            return true;
          } catch {
            return false;
          }
        });
        expect(owners).toHaveLength(1);
        const owner = owners[0]!;
        owner.setCurrentKey(`k${key}`);
        expect(owner.getState(new ValueStateDescriptor<number>('count')).value()).toBe(key);
        expect(owner.getState(new ListStateDescriptor<number>('seen')).get()).toEqual([key]);
        expect(owner.getState(new MapStateDescriptor<{ id: number }, string>('tags')).get({ id: key })).toBe(`tag-${key}`);
      }
    }
  });

  it('refuses state written with another maxParallelism', () => {
    const snapshots = snapshotsAtParallelism2();
    const other = new HeapKeyedStateBackend(keyGroupRangeForSubtask(64, 1, 0), 64, 'Counter');
    expect(() => other.restore(snapshots)).toThrow(/'Counter' cannot restore state written with maxParallelism 128 into maxParallelism 64/);
  });
});
