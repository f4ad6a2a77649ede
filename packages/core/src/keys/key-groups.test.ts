import { describe, expect, it } from 'vitest';
import { assignToKeyGroup, keyGroupRangeForSubtask, subtaskForKeyGroup } from './key-groups.js';
import { hashKey } from './key-hash.js';

describe('key groups', () => {
  it('split 0..maxParallelism-1 into contiguous, disjoint ranges that subtaskForKeyGroup agrees with', () => {
    for (const parallelism of [1, 3, 8, 128]) {
      const covered: number[] = [];
      for (let subtask = 0; subtask < parallelism; subtask++) {
        const range = keyGroupRangeForSubtask(128, parallelism, subtask);
        for (let group = range.start; group <= range.end; group++) {
          covered.push(group);
          expect(subtaskForKeyGroup(128, parallelism, group)).toBe(subtask);
        }
      }
      expect(covered).toEqual(Array.from({ length: 128 }, (_, i) => i));
    }
  });

  it('hash keys deterministically by value, whatever the object key order', () => {
    expect(hashKey('hello')).toBe(99162322); // Java's "hello".hashCode()
    expect(hashKey(42)).toBe(42);
    expect(hashKey({ a: 1, b: [2, 'x'] })).toBe(hashKey({ b: [2, 'x'], a: 1 }));
    expect(hashKey(['a', 1])).not.toBe(hashKey(['a', 2]));
    expect(hashKey(0)).toBe(hashKey(-0));
    expect(() => hashKey(Symbol('x'))).toThrow(/returned the key Symbol\(x\):/);
  });

  it('hash equal values equally and keep fixed values, so every process on every machine agrees', () => {
    const keys: unknown[] = ['', 'user-42', 7, -7, 2 ** 40, 0.5, true, [null], ['a', 1, [2]], { user: 'x', region: { id: 3 } }, 12n];
    const copies: unknown[] = JSON.parse(JSON.stringify(keys.slice(0, -1)));
    copies.push(12n);
    expect(keys.map((k) => hashKey(k))).toEqual(copies.map((k) => hashKey(k)));
    // Pinned values: changing the hash would move keys between subtasks and break restored state.
    expect(keys.map((k) => assignToKeyGroup(k, 128))).toEqual([0, 68, 68, 99, 30, 65, 104, 91, 94, 107, 15]);
    expect(hashKey({ user: 'x', region: { id: 3 } })).toBe(hashKey({ region: { id: 3 }, user: 'x' }));
    expect(hashKey([1, 2])).not.toBe(hashKey([2, 1]));
    expect(hashKey('1')).not.toBe(hashKey(1));
  });

  it('refuse null, undefined and NaN keys, and undefined or NaN inside a key, naming the operator', () => {
    expect(() => assignToKeyGroup(undefined, 128, 'Visits per user')).toThrow(
      expect.objectContaining({ code: 'InvalidKey', message: expect.stringMatching(/^The key selector of operator 'Visits per user' returned the key undefined: keys must be/) }),
    );
    expect(() => assignToKeyGroup(null, 128, 'Sums')).toThrow(/operator 'Sums' returned the key null:/);
    expect(() => assignToKeyGroup(NaN, 128, 'Sums')).toThrow(/returned the key NaN:/);
    expect(() => hashKey(['a', undefined])).toThrow(/^A key selector returned the key \["a","<undefined>"\], which holds undefined:/);
    expect(() => hashKey({ price: 0 / 0 })).toThrow(/returned the key \{"price":"<NaN>"\}, which holds NaN:/);
    expect(() => hashKey(() => 1)).toThrow(/returned the key a function:/);
    // Allowed: null inside a key, and -0, which is the key 0.
    expect(hashKey(['a', null])).toBe(hashKey(['a', null]));
    expect(assignToKeyGroup(-0, 128)).toBe(assignToKeyGroup(0, 128));
    expect(hashKey([-0, 1.5])).toBe(hashKey([0, 1.5]));
  });

  it('spread keys over all key groups', () => {
    const groups = new Set<number>();
    for (let i = 0; i < 10_000; i++) groups.add(assignToKeyGroup(`user-${i}`, 128));
    expect(groups.size).toBe(128);
  });
});
