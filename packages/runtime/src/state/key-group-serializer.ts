/**
 * One key group of keyed state as bytes: a msgpack array with, per state of the snapshot, either null
 * (no entries) or a flat array `[key, value, key, value, …]`. Flat rather than an array per entry, so a
 * key group of a hundred thousand keys costs one array, not a hundred thousand.
 *
 * A MapState's value (a Map from normalised user key to [user key, user value]) goes as a flat
 * `[user key, user value, …]` array: msgpack has one map type for Maps and objects alike, so a Map
 * would come back as an object. The backend rebuilds the Map on restore.
 */
import type { StateKind } from '@sage/core';
import { Packr, Unpackr } from 'msgpackr';

// Same options as the network exchange: state keeps Dates, Maps, Sets, bigints and undefined.
const options = { useBigIntExtension: true, moreTypes: true, useRecords: false } as const;
const packr = new Packr(options);
const unpackr = new Unpackr(options);

/**
 * `entries` are one key group's entries of every state, in snapshot order, each as a flat
 * `[key, value, …]` array or null; `kinds` are those states' kinds.
 */
export function serializeKeyGroup(entries: readonly (unknown[] | null)[], kinds: readonly StateKind[]): Uint8Array {
  for (let s = 0; s < entries.length; s++) {
    const flat = entries[s];
    if (flat === null || kinds[s] !== 'map') continue;
    for (let i = 1; i < flat.length; i += 2) flat[i] = flattenMapStateValue(flat[i] as ReadonlyMap<unknown, readonly [unknown, unknown]>);
  }
  return packr.pack(entries);
}

function flattenMapStateValue(map: ReadonlyMap<unknown, readonly [unknown, unknown]>): unknown[] {
  const flat: unknown[] = new Array(map.size * 2);
  let i = 0;
  for (const [userKey, userValue] of map.values()) {
    flat[i++] = userKey;
    flat[i++] = userValue;
  }
  return flat;
}

/** Per state of the snapshot, its flat `[key, value, …]` entries of this key group, or null. */
export function deserializeKeyGroup(bytes: Uint8Array): readonly (readonly unknown[] | null)[] {
  return unpackr.unpack(bytes) as (unknown[] | null)[];
}
