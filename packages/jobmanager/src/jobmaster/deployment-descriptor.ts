/**
 * The TaskDeploymentDescriptor of one subtask: subtask i of every vertex sits in slot i (slot
 * sharing), so each input names its producer's TaskManager and address, and each output its
 * consumer's TaskManager; plus the checkpoint the subtask restores from.
 */
import type { JobGraphDescriptor } from '@sage/core';
import type { JobSpec__Output, TaskDeploymentDescriptor } from '@sage/rpc';
import type { RegisteredTaskManager } from '../resourcemanager/resource-manager.js';
import type { ExecutionVertex } from './execution-vertex.js';

export interface DeploymentContext {
  readonly jobId: string;
  readonly attempt: number;
  readonly spec: JobSpec__Output;
  readonly graph: JobGraphDescriptor;
  /** The TaskManager of each slot, by subtask index. */
  readonly slots: readonly RegisteredTaskManager[];
}

export function deploymentDescriptor(
  job: DeploymentContext,
  vertex: ExecutionVertex,
  restoreStateHandles: Record<string, string>,
  restoreCheckpointId: number,
): TaskDeploymentDescriptor {
  const { graph, slots } = job;
  const inputs = graph.edges
    .filter((e) => e.targetVertex === vertex.vertexId)
    .flatMap((edge) =>
      connectedSubtasks(graph, edge.partitioner, edge.sourceVertex, vertex.subtaskIndex).map((producer) => ({
        edgeId: edge.id,
        producerSubtask: producer,
        producerTaskManagerId: slots[producer]!.id,
        producerAddress: slots[producer]!.address,
      })),
    );
  const outputs = graph.edges
    .filter((e) => e.sourceVertex === vertex.vertexId)
    .flatMap((edge) =>
      connectedSubtasks(graph, edge.partitioner, edge.targetVertex, vertex.subtaskIndex).map((consumer) => ({
        edgeId: edge.id,
        consumerSubtask: consumer,
        consumerTaskManagerId: slots[consumer]!.id,
      })),
    );
  return {
    jobId: job.jobId,
    attempt: job.attempt,
    spec: job.spec,
    vertexId: vertex.vertexId,
    subtaskIndex: vertex.subtaskIndex,
    inputs,
    outputs,
    restoreStateHandles,
    restoreCheckpointId,
  };
}

/** The subtasks of `otherVertex` that subtask `index` exchanges records with over an edge. */
function connectedSubtasks(graph: JobGraphDescriptor, partitioner: string, otherVertex: number, index: number): number[] {
  if (partitioner === 'forward') return [index];
  return Array.from({ length: graph.vertices[otherVertex]!.parallelism }, (_, i) => i);
}
