/**
 * What every heap state does on each access: find the current key's entry in its key group's map, and
 * keep the entry's barrier-time copy first when its key group is owed to a snapshot in progress.
 */
import type { HeapKeyedStateBackend, StateTable } from './heap-keyed-state-backend.js';

export abstract class HeapState<V> {
  /** The backend's flags of key groups owed to a snapshot in progress: the same array for the backend's life. */
  private readonly owed: Uint8Array;

  constructor(
    protected readonly backend: HeapKeyedStateBackend,
    protected readonly table: StateTable,
  ) {
    this.owed = backend.owed;
  }

  // Reads guard too, not only writes: what a read hands out (a list, a map, an object in a
  // ValueState) may be changed in place by the caller, and a snapshot in progress must not see that.
  protected read(): V | undefined {
    const backend = this.backend;
    const index = backend.currentKeyGroupIndex;
    // Owed: one lookup of the live entry serves both the copy and the read.
    if (this.owed[index] !== 0) return this.table.readPreserving(index, backend.currentStateKey) as V | undefined;
    return this.table.maps[index]!.get(backend.currentStateKey) as V | undefined;
  }

  protected write(value: V): void {
    const backend = this.backend;
    const index = backend.currentKeyGroupIndex;
    if (this.owed[index] !== 0) this.table.preserve(index, backend.currentStateKey);
    this.table.maps[index]!.set(backend.currentStateKey, value);
  }

  clear(): void {
    const backend = this.backend;
    const index = backend.currentKeyGroupIndex;
    if (this.owed[index] !== 0) this.table.preserve(index, backend.currentStateKey);
    this.table.maps[index]!.delete(backend.currentStateKey);
  }
}
