/**
 * Which parts of a checkpoint a subtask restores (Flink's StateAssignmentOperation): keyed state from
 * every old subtask whose key-group range overlaps the new subtask's range, operator state lists as
 * they were when the parallelism is unchanged, and dealt out round-robin when it changed.
 */
import { SageError, keyGroupRangeForSubtask, type JobGraphDescriptor } from '@sage/core';
import type { OperatorCheckpoint, StateHandle } from './checkpoint-storage.js';

export interface SubtaskStateAssignment {
  /** Handles whose keyed state overlaps this subtask's key groups. */
  readonly keyedHandles: readonly StateHandle[];
  /** Handles whose operator state lists feed this subtask, and how to pick elements from them. */
  readonly operatorHandles: readonly StateHandle[];
  /** Unchanged parallelism: take the lists whole. Changed: take element i of the concatenation when i % parallelism === subtask. */
  readonly redistribute: boolean;
}

export function assignSubtaskState(
  checkpoint: OperatorCheckpoint,
  subtaskIndex: number,
  parallelism: number,
  maxParallelism: number,
): SubtaskStateAssignment {
  const oldSubtasks = Object.keys(checkpoint.subtasks)
    .map(Number)
    .sort((a, b) => a - b);
  const range = keyGroupRangeForSubtask(maxParallelism, parallelism, subtaskIndex);
  const keyedHandles = oldSubtasks
    .filter((old) => {
      const oldRange = keyGroupRangeForSubtask(checkpoint.maxParallelism, checkpoint.parallelism, old);
      return oldRange.start <= range.end && range.start <= oldRange.end;
    })
    .map((old) => checkpoint.subtasks[old]!);
  if (checkpoint.parallelism === parallelism) {
    const own = checkpoint.subtasks[subtaskIndex];
    return { keyedHandles, operatorHandles: own ? [own] : [], redistribute: false };
  }
  return { keyedHandles, operatorHandles: oldSubtasks.map((old) => checkpoint.subtasks[old]!), redistribute: true };
}

/** The elements of `lists` (one per old subtask, in subtask order) that subtask `index` of `parallelism` takes. */
export function redistributeOperatorState(lists: readonly (readonly unknown[])[], index: number, parallelism: number): unknown[] {
  const taken: unknown[] = [];
  let position = 0;
  for (const list of lists) {
    for (const element of list) {
      if (position % parallelism === index) taken.push(element);
      position++;
    }
  }
  return taken;
}

/** A savepoint holds state for operators the job no longer has. */
export class NonRestoredState extends SageError {
  constructor(message: string) {
    super('NonRestoredState', message);
  }
}

/**
 * Before a job starts from a savepoint: every operator uid with state in it must exist in the new
 * job, or the user must say that state may be dropped (Flink's --allowNonRestoredState). The
 * maxParallelism of keyed state must match too, since key groups are fixed by it.
 */
export function checkRestoreCompatibility(
  checkpoint: { readonly checkpointId: number; readonly operators: Readonly<Record<string, OperatorCheckpoint>> },
  graph: JobGraphDescriptor,
  allowNonRestoredState: boolean,
): void {
  const uids = new Map<string, number>();
  for (const vertex of graph.vertices) for (const operator of vertex.operators) uids.set(operator.uid, vertex.maxParallelism);
  const missing = Object.keys(checkpoint.operators).filter((uid) => !uids.has(uid));
  if (missing.length > 0 && !allowNonRestoredState) {
    throw new NonRestoredState(
      `Savepoint ${checkpoint.checkpointId} has state for operator uid${missing.length === 1 ? '' : 's'} ${missing.map((u) => `'${u}'`).join(', ')}, ` +
        `which the job no longer has (its uids: ${[...uids.keys()].map((u) => `'${u}'`).join(', ')}): give the operators their old uids with .uid(...), ` +
        `or pass --allow-non-restored-state to drop that state`,
    );
  }
  for (const [uid, operator] of Object.entries(checkpoint.operators)) {
    const maxParallelism = uids.get(uid);
    if (maxParallelism !== undefined && maxParallelism !== operator.maxParallelism) {
      throw new NonRestoredState(
        `Operator '${uid}' was checkpointed with maxParallelism ${operator.maxParallelism} but the job now has ${maxParallelism}: ` +
          `keep env.setMaxParallelism(${operator.maxParallelism}) to restore its keyed state`,
      );
    }
  }
}
