/**
 * A keyed snapshot taken at a barrier and serialized afterwards, one key group at a time, while the
 * task goes on with records: copy-on-write after Flink's CopyOnWriteStateMap. At the barrier every
 * key group with entries is marked owed in the backend, O(key groups). Until a key group is
 * serialized, the first access to an entry of it keeps a copy of the entry as it was at the barrier
 * (one flag read per access, see heap-states.ts; a copy only for entries touched while owed), and the
 * task serializes key groups in slices between input batches from the live map plus those copies.
 * Each key group's bytes are therefore its state as of the barrier: everything written before it,
 * nothing written after.
 *
 * Entries, not whole key groups, are copied on access: records with spread-out keys touch every key
 * group within the first input batch after the barrier, so serializing a key group at its first
 * access would serialize the whole snapshot in that batch, stalling the task as long as before.
 */
import { performance } from 'node:perf_hooks';
import type { StateKind } from '@sage/core';
import type { StateTable } from './heap-keyed-state-backend.js';
import { serializeKeyGroup } from './key-group-serializer.js';
import type { KeyedStateSnapshot, StateSnapshotInfo } from './keyed-state-snapshot.js';
import { withoutExpired } from './ttl-values.js';

/** Kept for a key that had no entry at the barrier: it is left out of the snapshot. */
export const ABSENT_AT_BARRIER: unique symbol = Symbol('absent at the barrier');

export class PendingKeyedSnapshot {
  /** Bytes per key group index; undefined while owed or when the key group had no entries. */
  private readonly chunks: (Uint8Array | undefined)[];
  private remaining = 0;
  /** Where the next slice looks for an owed key group; key groups before it are settled. */
  private cursor = 0;
  private abandoned = false;
  private readonly states: readonly StateSnapshotInfo[];
  private readonly kinds: readonly StateKind[];
  /** Per state, its TTL when expired entries are left out of snapshots (cleanupFullSnapshot), else undefined. */
  private readonly snapshotTtls: readonly (number | undefined)[];

  constructor(
    /** The backend's flags, one per key group index: 1 while the key group is owed to this snapshot. */
    private readonly owed: Uint8Array,
    /** The tables as they were at the barrier: a state created after it is not in the snapshot. */
    private readonly tables: readonly StateTable[],
    private readonly keyGroupStart: number,
    private readonly maxParallelism: number,
    /** Processing time at the barrier: what has expired by then is left out where cleanupFullSnapshot asks. */
    private readonly ttlNow = 0,
  ) {
    this.chunks = new Array<Uint8Array | undefined>(owed.length);
    this.states = tables.map((t) => (t.ttl ? { name: t.name, kind: t.kind, ttl: true } : { name: t.name, kind: t.kind }));
    this.kinds = tables.map((t) => t.kind);
    this.snapshotTtls = tables.map((t) => (t.ttlConfig?.cleanupStrategies.inFullSnapshot === true ? t.ttlConfig.ttl : undefined));
    for (const table of tables) table.preserved = new Array<Map<unknown, unknown> | undefined>(owed.length);
    for (let index = 0; index < owed.length; index++) {
      if (tables.some((t) => t.maps[index]!.size > 0)) {
        owed[index] = 1;
        this.remaining++;
      }
    }
    if (this.remaining === 0) this.release();
  }

  /** True once every key group is serialized (or the snapshot was abandoned). */
  get done(): boolean {
    return this.remaining === 0;
  }

  /** Serializes owed key group `index` from its live entries and the copies kept since the barrier. */
  private serialize(index: number): void {
    const entries: (unknown[] | null)[] = new Array(this.tables.length);
    for (let s = 0; s < this.tables.length; s++) {
      const table = this.tables[s]!;
      const flat = entriesAtBarrier(table.maps[index]!, table.preserved![index]);
      const ttl = this.snapshotTtls[s];
      entries[s] = ttl === undefined || flat === null ? flat : unexpiredEntries(flat, this.kinds[s]!, ttl, this.ttlNow);
      table.preserved![index] = undefined;
    }
    this.chunks[index] = serializeKeyGroup(entries, this.kinds);
    this.owed[index] = 0;
    if (--this.remaining === 0) this.release();
  }

  /** Serializes owed key groups until `deadline` (performance.now() time) passes; at least one. True once done. */
  serializeUntil(deadline: number): boolean {
    const owed = this.owed;
    while (this.remaining > 0) {
      while (owed[this.cursor] === 0) this.cursor++;
      this.serialize(this.cursor);
      if (performance.now() >= deadline) break;
    }
    return this.remaining === 0;
  }

  serializeAll(): void {
    this.serializeUntil(Infinity);
  }

  /** The checkpoint was aborted: nothing is owed any more, and the bytes are dropped. */
  abandon(): void {
    if (this.remaining > 0) this.owed.fill(0);
    this.remaining = 0;
    this.abandoned = true;
    this.chunks.length = 0;
    this.release();
  }

  /** The snapshot, once done. */
  result(): KeyedStateSnapshot {
    if (this.remaining > 0 || this.abandoned) throw new Error('A keyed snapshot was read before it was serialized, or after it was abandoned');
    const keyGroups: [number, Uint8Array][] = [];
    for (let index = 0; index < this.chunks.length; index++) {
      const chunk = this.chunks[index];
      if (chunk !== undefined) keyGroups.push([this.keyGroupStart + index, chunk]);
    }
    return { maxParallelism: this.maxParallelism, states: this.states, keyGroups };
  }

  private release(): void {
    for (const table of this.tables) table.preserved = undefined;
  }
}

/** A key group's entries as of the barrier, flat: live entries, except those changed since, which come from `kept`. */
function entriesAtBarrier(live: ReadonlyMap<unknown, unknown>, kept: ReadonlyMap<unknown, unknown> | undefined): unknown[] | null {
  const flat: unknown[] = [];
  if (kept === undefined) {
    if (live.size === 0) return null;
    for (const [key, value] of live) flat.push(key, value);
    return flat;
  }
  for (const [key, value] of live) {
    if (!kept.has(key)) flat.push(key, value);
  }
  for (const [key, value] of kept) {
    if (value !== ABSENT_AT_BARRIER) flat.push(key, value);
  }
  return flat.length === 0 ? null : flat;
}

/** Flat entries without what expired by `now` (cleanupFullSnapshot); null when nothing is left. */
function unexpiredEntries(flat: unknown[], kind: StateKind, ttl: number, now: number): unknown[] | null {
  let kept = 0;
  for (let i = 0; i < flat.length; i += 2) {
    const value = withoutExpired(kind, flat[i + 1], ttl, now);
    if (value === undefined) continue;
    flat[kept++] = flat[i];
    flat[kept++] = value;
  }
  flat.length = kept;
  return kept === 0 ? null : flat;
}
