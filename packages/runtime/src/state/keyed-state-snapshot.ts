/**
 * Keyed state as it goes into a checkpoint: per state, per key group, the entries. Organised by key
 * group so that restoring at another parallelism takes exactly the key groups a subtask now owns
 * (Flink's key-group-partitioned snapshots).
 */
import type { StateKind } from '@sage/core';

export interface StateSnapshot {
  readonly name: string;
  readonly kind: StateKind;
  /** [key group, [state key, value][]] for every key group with entries. */
  readonly keyGroups: readonly (readonly [number, readonly (readonly [unknown, unknown])[]])[];
}

export interface KeyedStateSnapshot {
  readonly maxParallelism: number;
  readonly states: readonly StateSnapshot[];
}
