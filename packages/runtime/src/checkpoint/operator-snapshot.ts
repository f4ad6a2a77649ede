/**
 * The state one operator of one subtask puts into a checkpoint: its keyed state by key group, and its
 * operator state as a list (source split positions, a sink's pending committables and writer state).
 * Lists are what operator state is in Flink: on restore at another parallelism their elements are
 * dealt out again among the new subtasks, while keyed state follows its key groups.
 */
import { Packr, Unpackr } from 'msgpackr';
import type { KeyedStateSnapshot } from '../state/keyed-state-snapshot.js';

export interface OperatorSnapshot {
  readonly keyed?: KeyedStateSnapshot;
  readonly operatorState?: readonly unknown[];
}

// Same options as the network exchange: state keeps Dates, Maps, Sets, bigints and undefined.
const options = { useBigIntExtension: true, moreTypes: true, useRecords: false } as const;
const packr = new Packr(options);
const unpackr = new Unpackr(options);

/**
 * Serialized synchronously, in the task's mailbox: the heap backend's snapshot shares value objects
 * with live state, so the bytes must exist before the next record can change them. Writing the bytes
 * to storage is what happens asynchronously.
 */
export function serializeOperatorSnapshot(snapshot: OperatorSnapshot): Uint8Array {
  return packr.pack(snapshot);
}

export function deserializeOperatorSnapshot(bytes: Uint8Array): OperatorSnapshot {
  return unpackr.unpack(bytes) as OperatorSnapshot;
}
