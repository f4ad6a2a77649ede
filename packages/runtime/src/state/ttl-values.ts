/**
 * How state with TTL is stored, and how expired parts are found and dropped. Only states whose
 * descriptor enables TTL are stored this way; the others keep their plain values, so they pay nothing.
 *
 * - value, reducing, aggregating: the entry is a TtlValue, the value and the time its TTL counts from;
 * - list: the entry is a TtlList, the elements and, index for index, their times (per element, as
 *   Flink's TtlListState; two arrays so that get() hands out the elements without copying them);
 * - map: the entry is the usual Map from normalised user key to [user key, user value], with a
 *   TtlValue as the user value (per map entry, as Flink's TtlMapState).
 *
 * An entry has expired once `time + ttl <= now`, Flink's rule. Times are processing time in ms.
 */
import type { StateKind } from '@sage/core';

/** Short field names: a snapshot writes them once per key group (msgpackr records), but they are read on every access. */
export interface TtlValue<T> {
  v: T;
  t: number;
}

export interface TtlList<T> {
  v: T[];
  t: number[];
}

export type TtlMap<UK, UV> = Map<unknown, [UK, TtlValue<UV>]>;

/** True when some part of a stored entry (the value, an element, a map entry) has expired. */
export function hasExpired(kind: StateKind, stored: unknown, ttl: number, now: number): boolean {
  const limit = now - ttl;
  switch (kind) {
    case 'list': {
      const times = (stored as TtlList<unknown>).t;
      for (let i = 0; i < times.length; i++) if (times[i]! <= limit) return true;
      return times.length === 0;
    }
    case 'map': {
      const map = stored as TtlMap<unknown, unknown>;
      for (const entry of map.values()) if (entry[1].t <= limit) return true;
      return map.size === 0;
    }
    default:
      return (stored as TtlValue<unknown>).t <= limit;
  }
}

/**
 * Removes the expired parts of a stored entry in place; true when nothing is left, and the caller
 * deletes the entry. The caller has kept the entry's barrier-time copy if a snapshot needs it.
 */
export function pruneExpired(kind: StateKind, stored: unknown, ttl: number, now: number): boolean {
  const limit = now - ttl;
  switch (kind) {
    case 'list':
      return pruneList(stored as TtlList<unknown>, limit);
    case 'map': {
      const map = stored as TtlMap<unknown, unknown>;
      for (const [key, entry] of map) if (entry[1].t <= limit) map.delete(key);
      return map.size === 0;
    }
    default:
      return (stored as TtlValue<unknown>).t <= limit;
  }
}

/** Drops the elements whose time is at or before `limit`, keeping the order of the others; true when none is left. */
export function pruneList(list: TtlList<unknown>, limit: number): boolean {
  const values = list.v;
  const times = list.t;
  let kept = 0;
  for (let i = 0; i < times.length; i++) {
    if (times[i]! <= limit) continue;
    if (kept !== i) {
      values[kept] = values[i];
      times[kept] = times[i]!;
    }
    kept++;
  }
  values.length = kept;
  times.length = kept;
  return kept === 0;
}

/**
 * A stored entry without its expired parts, for a snapshot: the entry itself when nothing expired,
 * a copy without them when some did (the live entry is not touched), undefined when all did.
 */
export function withoutExpired(kind: StateKind, stored: unknown, ttl: number, now: number): unknown {
  if (!hasExpired(kind, stored, ttl, now)) return stored;
  const limit = now - ttl;
  switch (kind) {
    case 'list': {
      const list = stored as TtlList<unknown>;
      const copy: TtlList<unknown> = { v: [], t: [] };
      for (let i = 0; i < list.t.length; i++) {
        if (list.t[i]! <= limit) continue;
        copy.v.push(list.v[i]);
        copy.t.push(list.t[i]!);
      }
      return copy.t.length === 0 ? undefined : copy;
    }
    case 'map': {
      const copy: TtlMap<unknown, unknown> = new Map();
      for (const [key, entry] of stored as TtlMap<unknown, unknown>) if (entry[1].t > limit) copy.set(key, entry);
      return copy.size === 0 ? undefined : copy;
    }
    default:
      return undefined;
  }
}
