import { Packr } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import { deserializeKeyGroup, serializeKeyGroup } from './key-group-serializer.js';

/** How key groups were packed before records: what a checkpoint taken by an earlier Sage holds. */
const withoutRecords = new Packr({ useBigIntExtension: true, moreTypes: true, useRecords: false });

/** Values of every kind state holds, with more object shapes than msgpackr has record slots (64). */
function entries(): unknown[] {
  const flat: unknown[] = [];
  for (let i = 0; i < 300; i++) {
    // Integers 64..127 are the fixints msgpackr reuses as record ids once a record is defined.
    const value =
      i % 5 === 0
        ? { [`field${i}`]: i, nested: { seq: 64 + (i % 64), at: new Date(1_700_000_000_000 + i), big: BigInt(i) * 10n ** 20n } }
        : i % 5 === 1
          ? { key: i, payload: 'x'.repeat(i % 90), missing: undefined, tags: new Set([i, 'a']) }
          : i % 5 === 2
            ? [64 + (i % 64), { inner: [i, null, true] }, new Map<unknown, unknown>([[i, { v: i }]])]
            : i % 5 === 3
              ? 64 + (i % 64)
              : { key: i, payload: `p${i}`, empty: {}, list: [{ a: i }, { b: i }] };
    flat.push(i % 2 === 0 ? i : `k${i}`, value);
  }
  return flat;
}

describe('serializeKeyGroup', () => {
  it('restores exactly what a key group packed without records restores', () => {
    const states = [entries(), null, entries().slice(0, 40)];
    const restored = deserializeKeyGroup(serializeKeyGroup(states, ['value', 'value', 'value']));
    expect(restored).toEqual(deserializeKeyGroup(withoutRecords.pack(states)));
    expect((restored[0]![1] as { nested: { big: bigint } }).nested.big).toBe(0n);
    expect(restored[0]![600 - 1]).toEqual({ key: 299, payload: 'p299', empty: {}, list: [{ a: 299 }, { b: 299 }] });
  });

  it('reads key groups packed without records, as checkpoints of earlier versions hold them', () => {
    const states = [entries()];
    expect(deserializeKeyGroup(withoutRecords.pack(states))).toEqual(deserializeKeyGroup(serializeKeyGroup(states, ['value'])));
  });

  it('packs key groups one after another independently: each restores alone', () => {
    const first = serializeKeyGroup([[1, { a: 1, b: 'x' }]], ['value']);
    const second = serializeKeyGroup([[2, { a: 2, b: 'y' }, 3, { c: 3 }]], ['value']);
    expect(deserializeKeyGroup(second)).toEqual([[2, { a: 2, b: 'y' }, 3, { c: 3 }]]);
    expect(deserializeKeyGroup(first)).toEqual([[1, { a: 1, b: 'x' }]]);
  });
});
