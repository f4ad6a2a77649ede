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
    expect(() => hashKey(Symbol('x'))).toThrow(/Cannot use a symbol as a key/);
  });

  it('spread keys over all key groups', () => {
    const groups = new Set<number>();
    for (let i = 0; i < 10_000; i++) groups.add(assignToKeyGroup(`user-${i}`, 128));
    expect(groups.size).toBe(128);
  });
});
