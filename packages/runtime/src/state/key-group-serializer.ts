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
// Except that objects are packed as msgpackr records: a key group holds thousands of values of the
// same shape, and a record writes its field names once per key group instead of once per value,
// which packs about twice as fast and ~15 % smaller (serialization was a third of the CPU of a job
// checkpointing 200 MB every second). The record definitions travel inside each key group's bytes, so
// the unpacker, unchanged, reads them, and reads key groups written without records as before; what
// comes back is the same (records and msgpack maps both become plain objects, as mapsAsObjects
// decodes a Map too).
const packr = new Packr({ ...options, useRecords: true });
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
