import type { ExecutionState, FailureCause } from '@sage/rpc';
import type { RegisteredTaskManager } from '../resourcemanager/resource-manager.js';

/** One subtask of a job: where it runs, its state and its counters. */
export interface ExecutionVertex {
  readonly vertexId: number;
  readonly vertexName: string;
  readonly subtaskIndex: number;
  readonly parallelism: number;
  state: ExecutionState;
  taskManager: RegisteredTaskManager | undefined;
  readonly stateTimestamps: Record<string, number>;
  recordsIn: number;
  recordsOut: number;
  failure: FailureCause | undefined;
}

export const TERMINAL_STATES: ReadonlySet<ExecutionState> = new Set<ExecutionState>(['FINISHED', 'CANCELED', 'FAILED']);

export function isTerminal(state: ExecutionState): boolean {
  return TERMINAL_STATES.has(state);
}
