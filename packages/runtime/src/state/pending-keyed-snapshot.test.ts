import { describe, expect, it } from 'vitest';
import {
  AggregatingStateDescriptor,
  keyGroupRangeForSubtask,
  ListStateDescriptor,
  MapStateDescriptor,
  ReducingStateDescriptor,
  ValueStateDescriptor,
} from '@sage/core';
import { deserializeOperatorSnapshot, serializeOperatorSnapshot } from '../checkpoint/operator-snapshot.js';
import { HeapKeyedStateBackend } from './heap-keyed-state-backend.js';
import type { KeyedStateSnapshot } from './keyed-state-snapshot.js';

const MAX = 128;
const KEYS = 600;

const counter = new ValueStateDescriptor<{ count: number }>('counter');
const seen = new ListStateDescriptor<number>('seen');
const tags = new MapStateDescriptor<{ id: number }, string>('tags');
const sum = new ReducingStateDescriptor<number>('sum', (a, b) => a + b);
const average = new AggregatingStateDescriptor<number, { total: number; n: number }, number>('average', {
  createAccumulator: () => ({ total: 0, n: 0 }),
  // Changes the accumulator in place, as user aggregate functions often do.
  add: (value, acc) => {
    acc.total += value;
    acc.n += 1;
    return acc;
  },
  getResult: (acc) => acc.total / acc.n,
});

function backend(parallelism = 1, subtask = 0): HeapKeyedStateBackend {
  return new HeapKeyedStateBackend(keyGroupRangeForSubtask(MAX, parallelism, subtask), MAX, 'Test');
}

/** Every state kind for keys 0..KEYS-1; key k's values are derived from k. */
function fill(b: HeapKeyedStateBackend, keys: Iterable<number>): void {
  for (const key of keys) {
    b.setCurrentKey(key);
    b.getState(counter).update({ count: key });
    b.getState(seen).add(key);
    b.getState(tags).put({ id: key }, `tag-${key}`);
    b.getState(sum).add(key);
    b.getState(average).add(key);
  }
}

/** What a backend holds for `key`, read through the state API. */
function read(b: HeapKeyedStateBackend, key: number) {
  b.setCurrentKey(key);
  return {
    counter: b.getState(counter).value(),
    seen: [...b.getState(seen).get()],
    tags: [...b.getState(tags).entries()],
    sum: b.getState(sum).get(),
    average: b.getState(average).get(),
  };
}

/** Writes after the barrier of every kind, half of them changing objects that existed before it in place. */
function writeAfterBarrier(b: HeapKeyedStateBackend, key: number): void {
  b.setCurrentKey(key);
  switch (key % 4) {
    case 0: {
      b.getState(counter).value()!.count += 1000; // in place, through the object a read handed out
      (b.getState(seen).get() as number[]).push(-1); // in place, on the list a read handed out
      break;
    }
    case 1:
      b.getState(seen).add(key + 1); // push onto the existing list
      b.getState(tags).put({ id: key }, 'changed'); // set on the existing map
      b.getState(tags).put({ id: -key }, 'added');
      break;
    case 2:
      b.getState(counter).clear();
      b.getState(tags).remove({ id: key });
      b.getState(seen).update([]);
      break;
    default:
      b.getState(sum).add(1);
      b.getState(average).add(key + 10);
  }
}

function restored(snapshots: readonly KeyedStateSnapshot[], parallelism = 1, subtask = 0): HeapKeyedStateBackend {
  const b = backend(parallelism, subtask);
  // Through the stored format, as a restore reads it.
  b.restore(snapshots.map((s) => deserializeOperatorSnapshot(serializeOperatorSnapshot(undefined, s)).keyed!));
  return b;
}

describe('keyed snapshots serialized while records flow', () => {
  it('hold every value written before the barrier and none written after, for every state kind', () => {
    const live = backend();
    fill(live, Array.from({ length: KEYS }, (_, k) => k));
    const expected = Array.from({ length: KEYS }, (_, k) => structuredClone(read(live, k)));
    const pending = live.beginSnapshot();
    // Records and slices interleave: each write is followed by one key group serialized in the background.
    for (let key = 0; key < KEYS; key++) {
      writeAfterBarrier(live, key);
      if (key % 3 === 0 && !pending.done) pending.serializeUntil(0);
    }
    // New keys and a state created after the barrier are not in checkpoint n.
    fill(live, [KEYS, KEYS + 1]);
    live.setCurrentKey(7);
    live.getState(new ValueStateDescriptor<number>('late')).update(1);
    pending.serializeAll();
    const copy = restored([pending.result()]);
    for (let key = 0; key < KEYS; key++) expect(read(copy, key)).toEqual(expected[key]);
    expect(read(copy, KEYS).counter).toBeUndefined();
    expect(pending.result().states.map((s) => s.name)).not.toContain('late');
    // The live state kept the writes.
    expect(read(live, 0).counter).toEqual({ count: 1000 });
    expect(read(live, 1).tags).toEqual([
      [{ id: 1 }, 'changed'],
      [{ id: -1 }, 'added'],
    ]);
    expect(read(live, 2).seen).toEqual([]);
    expect(read(live, 3).sum).toBe(4);
  });

  it('serializes the rest of a snapshot still in progress when the next one begins', () => {
    const live = backend();
    fill(live, Array.from({ length: KEYS }, (_, k) => k));
    const first = live.beginSnapshot();
    const before = Array.from({ length: KEYS }, (_, k) => structuredClone(read(live, k)));
    for (let key = 0; key < KEYS; key++) writeAfterBarrier(live, key);
    const between = Array.from({ length: KEYS }, (_, k) => structuredClone(read(live, k)));
    const second = live.beginSnapshot();
    expect(first.done).toBe(true);
    for (let key = 0; key < KEYS; key++) writeAfterBarrier(live, key);
    second.serializeAll();
    const fromFirst = restored([first.result()]);
    const fromSecond = restored([second.result()]);
    for (let key = 0; key < KEYS; key++) {
      expect(read(fromFirst, key)).toEqual(before[key]);
      expect(read(fromSecond, key)).toEqual(between[key]);
    }
  });

  it('owes nothing once abandoned', () => {
    const live = backend();
    fill(live, [1, 2, 3]);
    const pending = live.beginSnapshot();
    pending.abandon();
    expect(pending.done).toBe(true);
    expect(live.owed.every((flag) => flag === 0)).toBe(true);
    writeAfterBarrier(live, 1);
    expect(read(live, 1).seen).toEqual([1, 2]);
  });

  it('restores snapshots serialized in slices at parallelism 3 and 1, each subtask decoding its own key groups', () => {
    const old = [backend(2, 0), backend(2, 1)];
    for (let key = 0; key < KEYS; key++) fill(old.find((b) => owns(b, key))!, [key]);
    const expected = Array.from({ length: KEYS }, (_, k) => structuredClone(read(old.find((b) => owns(b, k))!, k)));
    const pendings = old.map((b) => b.beginSnapshot());
    for (let key = 0; key < KEYS; key++) writeAfterBarrier(old.find((b) => owns(b, key))!, key);
    for (const p of pendings) while (!p.serializeUntil(0));
    const snapshots = pendings.map((p) => p.result());
    for (const parallelism of [1, 3]) {
      const subtasks = Array.from({ length: parallelism }, (_, i) => restored(snapshots, parallelism, i));
      for (let key = 0; key < KEYS; key++) {
        const owners = subtasks.filter((b) => owns(b, key));
        expect(owners).toHaveLength(1);
        expect(read(owners[0]!, key)).toEqual(expected[key]);
      }
      // No subtask holds entries of key groups it does not own.
      for (const b of subtasks) for (const table of b.stateTables()) expect(table.maps).toHaveLength(b.keyGroupRange.end - b.keyGroupRange.start + 1);
    }
  });
});

function owns(b: HeapKeyedStateBackend, key: number): boolean {
  try {
    b.setCurrentKey(key);
    return true;
  } catch {
    return false;
  }
}
