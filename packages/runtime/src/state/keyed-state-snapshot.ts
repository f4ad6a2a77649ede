/**
 * Keyed state as it goes into a checkpoint: per key group, one chunk of bytes that decodes on its own.
 * Organised by key group so that restoring at another parallelism decodes exactly the key groups a
 * subtask now owns (Flink's key-group-partitioned snapshots), and so that a snapshot can be serialized
 * one key group at a time while records flow (see pending-keyed-snapshot.ts).
 */
import type { StateKind } from '@sage/core';

export interface StateSnapshotInfo {
  readonly name: string;
  readonly kind: StateKind;
  /** Present (true) when entries carry TTL timestamps; a restore refuses a descriptor that does not match. */
  readonly ttl?: true;
}

export interface KeyedStateSnapshot {
  readonly maxParallelism: number;
  /** The states the snapshot holds, in the order every chunk lists their entries. */
  readonly states: readonly StateSnapshotInfo[];
  /** [key group, chunk] for every key group with entries; see key-group-serializer.ts for a chunk's layout. */
  readonly keyGroups: readonly (readonly [number, Uint8Array])[];
}
