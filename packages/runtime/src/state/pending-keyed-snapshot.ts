/**
 * A keyed snapshot taken at a barrier and serialized afterwards, one key group at a time, while the
 * task goes on with records: copy-on-write at key-group granularity (Flink's CopyOnWriteStateMap
 * keeps versions per entry; a key group is coarser and costs nothing per entry). At the barrier every
 * key group with entries is marked owed in the backend, O(key groups); a state access to an owed key
 * group serializes that key group first (one flag read per access, see heap-states.ts), and the task
 * serializes the others in slices between input batches. Each key group's bytes are therefore its
 * state as of the barrier: everything written before it, nothing written after.
 */
import { performance } from 'node:perf_hooks';
import type { StateKind } from '@sage/core';
import type { StateTable } from './heap-keyed-state-backend.js';
import { serializeKeyGroup } from './key-group-serializer.js';
import type { KeyedStateSnapshot, StateSnapshotInfo } from './keyed-state-snapshot.js';

export class PendingKeyedSnapshot {
  /** Bytes per key group index; undefined while owed or when the key group had no entries. */
  private readonly chunks: (Uint8Array | undefined)[];
  private remaining = 0;
  /** Where the next slice looks for an owed key group; key groups before it are settled. */
  private cursor = 0;
  private abandoned = false;
  private readonly states: readonly StateSnapshotInfo[];
  private readonly kinds: readonly StateKind[];
  /** One key group's map of every table, reused for every key group (no allocation per key group). */
  private readonly maps: Map<unknown, unknown>[];

  constructor(
    /** The backend's flags, one per key group index: 1 while the key group is owed to this snapshot. */
    private readonly owed: Uint8Array,
    /** The tables as they were at the barrier: a state created after it is not in the snapshot. */
    private readonly tables: readonly StateTable[],
    private readonly keyGroupStart: number,
    private readonly maxParallelism: number,
  ) {
    this.chunks = new Array<Uint8Array | undefined>(owed.length);
    this.states = tables.map((t) => ({ name: t.name, kind: t.kind }));
    this.kinds = tables.map((t) => t.kind);
    this.maps = new Array<Map<unknown, unknown>>(tables.length);
    for (let index = 0; index < owed.length; index++) {
      if (tables.some((t) => t.maps[index]!.size > 0)) {
        owed[index] = 1;
        this.remaining++;
      }
    }
  }

  /** True once every key group is serialized (or the snapshot was abandoned). */
  get done(): boolean {
    return this.remaining === 0;
  }

  /** Serializes key group `index`, which must be owed: called before its state is read or changed. */
  serialize(index: number): void {
    const tables = this.tables;
    const maps = this.maps;
    for (let s = 0; s < tables.length; s++) maps[s] = tables[s]!.maps[index]!;
    this.chunks[index] = serializeKeyGroup(maps, this.kinds);
    this.owed[index] = 0;
    this.remaining--;
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
}
