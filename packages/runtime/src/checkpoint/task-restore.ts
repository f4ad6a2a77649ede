/**
 * What a task restores from: the checkpoint chosen by the JobManager (or LocalCluster), read from
 * storage when the task starts. Each operator of the chain gets the part of its state that belongs to
 * this subtask (see state-assignment.ts).
 */
import type { KeyedStateSnapshot } from '../state/keyed-state-snapshot.js';
import type { CheckpointStorage, OperatorCheckpoint, StateHandle } from './checkpoint-storage.js';
import { deserializeOperatorSnapshot, type OperatorSnapshot } from './operator-snapshot.js';
import { assignSubtaskState, redistributeOperatorState } from './state-assignment.js';

export interface TaskRestore {
  readonly checkpointId: number;
  /** The checkpoint's operators, by uid. */
  readonly operators: Readonly<Record<string, OperatorCheckpoint>>;
}

export interface RestoredOperatorState {
  readonly keyed: readonly KeyedStateSnapshot[];
  /** Undefined when the operator had no operator state in the checkpoint; possibly empty otherwise. */
  readonly operatorState: readonly unknown[] | undefined;
}

/** Reads the state of every given operator uid for one subtask; uids absent from the checkpoint start empty. */
export async function loadRestoredState(
  restore: TaskRestore,
  storage: CheckpointStorage,
  uids: readonly string[],
  subtaskIndex: number,
  parallelism: number,
  maxParallelism: number,
  /** Operators whose every subtask gets the operator state of all old subtasks (union list state). */
  unionUids: ReadonlySet<string> = new Set(),
): Promise<Map<string, RestoredOperatorState>> {
  const restored = new Map<string, RestoredOperatorState>();
  const cache = new Map<string, Promise<OperatorSnapshot>>();
  const read = (handle: StateHandle) => {
    let snapshot = cache.get(handle.uri);
    if (snapshot === undefined) {
      snapshot = storage.readState(handle).then(deserializeOperatorSnapshot);
      cache.set(handle.uri, snapshot);
    }
    return snapshot;
  };
  for (const uid of uids) {
    const checkpoint = restore.operators[uid];
    if (checkpoint === undefined) continue;
    const assignment = assignSubtaskState(checkpoint, subtaskIndex, parallelism, maxParallelism);
    const keyed = (await Promise.all(assignment.keyedHandles.map(read))).flatMap((s) => (s.keyed ? [s.keyed] : []));
    if (unionUids.has(uid)) {
      const all = Object.keys(checkpoint.subtasks).map(Number).sort((a, b) => a - b).map((old) => checkpoint.subtasks[old]!);
      const lists = await Promise.all(all.map(read));
      restored.set(uid, { keyed, operatorState: lists.flatMap((s) => s.operatorState ?? []) });
      continue;
    }
    const lists = (await Promise.all(assignment.operatorHandles.map(read))).map((s) => s.operatorState);
    const hadOperatorState = Object.keys(checkpoint.subtasks).length > 0 && lists.some((l) => l !== undefined);
    let operatorState: unknown[] | undefined;
    if (hadOperatorState || assignment.redistribute) {
      const present = lists.map((l) => l ?? []);
      operatorState = assignment.redistribute ? redistributeOperatorState(present, subtaskIndex, parallelism) : present.flat();
    }
    restored.set(uid, { keyed, operatorState });
  }
  return restored;
}
