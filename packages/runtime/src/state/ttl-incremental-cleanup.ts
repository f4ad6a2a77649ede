/**
 * Incremental cleanup of one state with TTL (Flink's cleanupIncrementally for heap state): a cursor
 * that walks the state's entries across all keys, a few per call, and removes what has expired. Each
 * access to the state (and, if asked, each record) moves it on by `cleanupSize` entries, so entries
 * of keys that are never seen again are removed too, and the state stays bounded by the keys that
 * were active within the TTL rather than by every key ever seen.
 */
import type { StateKind } from '@sage/core';
import type { StateTable } from './heap-keyed-state-backend.js';
import { hasExpired, pruneExpired } from './ttl-values.js';

export class TtlIncrementalCleanup {
  /** Key group index the cursor is in. */
  private index = 0;
  /** The cursor inside that key group's map; Map iterators stay valid while entries are added and deleted. */
  private iterator: MapIterator<[unknown, unknown]> | undefined = undefined;
  private readonly kind: StateKind;

  constructor(
    private readonly table: StateTable,
    /** The backend's flags of key groups owed to a snapshot in progress. */
    private readonly owed: Uint8Array,
    private readonly ttl: number,
    private readonly cleanupSize: number,
  ) {
    this.kind = table.kind;
  }

  /** Checks the next `cleanupSize` entries, removing what expired by `now`; visits each key group at most once per call. */
  run(now: number): void {
    const maps = this.table.maps;
    let budget = this.cleanupSize;
    let groupsLeft = maps.length;
    while (budget > 0) {
      let iterator = this.iterator;
      if (iterator === undefined) {
        // Skip empty key groups without allocating an iterator for them.
        while (maps[this.index]!.size === 0) {
          if (--groupsLeft < 0) return;
          this.index = this.index + 1 === maps.length ? 0 : this.index + 1;
        }
        this.iterator = iterator = maps[this.index]!.entries();
      }
      const next = iterator.next();
      if (next.done === true) {
        this.iterator = undefined;
        this.index = this.index + 1 === maps.length ? 0 : this.index + 1;
        if (--groupsLeft < 0) return;
        continue;
      }
      budget--;
      const key = next.value[0];
      if (!hasExpired(this.kind, next.value[1], this.ttl, now)) continue;
      if (this.owed[this.index] !== 0) this.table.preserve(this.index, key);
      const map = maps[this.index]!;
      if (pruneExpired(this.kind, map.get(key), this.ttl, now)) map.delete(key);
    }
  }
}
