/**
 * A JobMaster drives one job: it waits for slots, deploys every subtask (subtask i of every vertex
 * into slot i, Flink's slot sharing), follows the tasks' states and ends the job FINISHED when all
 * finish, FAILED at the first failure (cancelling the rest), or CANCELED on request.
 */
import type { JobGraphDescriptor } from '@sage/core';
import {
  call,
  type ExecutionState,
  type FailureCause,
  type JobDetails,
  type JobSpec__Output,
  type JobSummary,
  type TaskDeploymentDescriptor,
  type TaskExecutionStateUpdate__Output,
  type TaskMetricsReport,
} from '@sage/rpc';
import type { Logger } from '@sage/observability';
import type { RegisteredTaskManager, ResourceManager } from '../resourcemanager/resource-manager.js';
import { isTerminal, type ExecutionVertex } from './execution-vertex.js';

export type JobStatus = 'CREATED' | 'RUNNING' | 'CANCELING' | 'FINISHED' | 'CANCELED' | 'FAILED';

const TERMINAL_JOB_STATES: ReadonlySet<JobStatus> = new Set(['FINISHED', 'CANCELED', 'FAILED']);
const CANCEL_TIMEOUT_MS = 10_000;

export interface JobMasterOptions {
  readonly slotWaitTimeoutMs: number;
}

export class JobMaster {
  state: JobStatus = 'CREATED';
  readonly stateTimestamps: Record<string, number> = {};
  failure: FailureCause | undefined;
  readonly attempt = 0;
  private readonly vertices: ExecutionVertex[] = [];
  private slots: RegisteredTaskManager[] = [];
  private stopWaitingForSlots: (() => void) | undefined;
  private cancelTimer: NodeJS.Timeout | undefined;
  private endOfInputNotified = false;
  private readonly log: Logger;
  private resolveDone!: () => void;
  /** Resolves when the job reaches a terminal state. */
  readonly done = new Promise<void>((resolve) => (this.resolveDone = resolve));

  constructor(
    readonly jobId: string,
    readonly spec: JobSpec__Output,
    readonly graph: JobGraphDescriptor,
    readonly submittedAt: number,
    private readonly resources: ResourceManager,
    log: Logger,
    private readonly options: JobMasterOptions,
  ) {
    this.log = log.child({ job: jobId, jobName: spec.jobName });
    for (const vertex of graph.vertices) {
      for (let subtask = 0; subtask < vertex.parallelism; subtask++) {
        this.vertices.push({
          vertexId: vertex.id,
          vertexName: vertex.name,
          subtaskIndex: subtask,
          parallelism: vertex.parallelism,
          state: 'CREATED',
          taskManager: undefined,
          stateTimestamps: { CREATED: submittedAt },
          recordsIn: 0,
          recordsOut: 0,
          failure: undefined,
        });
      }
    }
    this.transition('CREATED', submittedAt);
  }

  /** Slots the job needs: one per subtask index, shared by all vertices. */
  get requiredSlots(): number {
    return Math.max(...this.graph.vertices.map((v) => v.parallelism));
  }

  get isTerminal(): boolean {
    return TERMINAL_JOB_STATES.has(this.state);
  }

  start(): void {
    const needed = this.requiredSlots;
    const tryAllocate = () => {
      if (this.state !== 'CREATED') return;
      const slots = this.resources.allocate(this.jobId, needed);
      if (slots === undefined) return;
      this.stopWaitingForSlots?.();
      this.slots = slots;
      void this.deploy();
    };
    const timer = setTimeout(() => {
      if (this.state !== 'CREATED') return;
      this.stopWaitingForSlots?.();
      const total = this.resources.totalSlots();
      const free = this.resources.freeSlots();
      const taskManagers = this.resources.all().length;
      this.fail({
        code: 'SlotsUnavailable',
        message:
          `Job needs ${needed} slots, the cluster has ${free} free (${total} in all on ${taskManagers} TaskManager${taskManagers === 1 ? '' : 's'}) ` +
          `after waiting ${this.options.slotWaitTimeoutMs} ms — start more TaskManagers, give them more --slots, or lower -p`,
        stack: '',
        location: 'JobManager scheduler',
      });
    }, this.options.slotWaitTimeoutMs);
    this.resources.on('slotsAvailable', tryAllocate);
    this.stopWaitingForSlots = () => {
      clearTimeout(timer);
      this.resources.off('slotsAvailable', tryAllocate);
      this.stopWaitingForSlots = undefined;
    };
    this.log.info({ slots: needed }, 'Job submitted; waiting for slots');
    tryAllocate();
  }

  onTaskState(update: TaskExecutionStateUpdate__Output): void {
    if (update.attempt !== this.attempt) return;
    const vertex = this.vertex(update.vertexId, update.subtaskIndex);
    if (!vertex || isTerminal(vertex.state)) return;
    vertex.recordsIn = Number(update.recordsIn);
    vertex.recordsOut = Number(update.recordsOut);
    this.setTaskState(vertex, update.state);
    if (update.state === 'CANCELED' && this.state === 'RUNNING') {
      // Nobody asked for it: the TaskManager is shutting down or lost this JobManager.
      this.fail({
        code: 'TaskCanceled',
        message: `${vertex.vertexName} (${vertex.subtaskIndex + 1}/${vertex.parallelism}) was cancelled by TaskManager ${update.taskManagerId}, which is shutting down or lost contact with the JobManager`,
        stack: '',
        location: `TaskManager ${update.taskManagerId}`,
      });
      return;
    }
    if (update.state === 'FAILED') {
      vertex.failure = update.failure ?? undefined;
      this.fail(update.failure ?? { code: 'TaskFailure', message: 'A task failed without a cause', stack: '', location: vertex.vertexName });
      return;
    }
    this.checkEndOfInput();
    this.checkAllTerminal();
  }

  /**
   * Once every task has reached the end of its input, the tasks waiting in FINISHING commit their
   * results: the job-wide commit of a bounded job, sent like a checkpoint's completion.
   */
  private checkEndOfInput(): void {
    if (this.endOfInputNotified || this.state !== 'RUNNING') return;
    if (!this.vertices.every((v) => v.state === 'FINISHING' || v.state === 'FINISHED')) return;
    this.endOfInputNotified = true;
    const taskManagers = new Set(this.vertices.filter((v) => v.state === 'FINISHING').map((v) => v.taskManager!));
    for (const tm of taskManagers) {
      call(tm.client, 'NotifyCheckpointComplete', { jobId: this.jobId, attempt: this.attempt, checkpointId: 0, endOfInput: true }).catch((error: Error) =>
        this.fail({ code: 'CommitFailed', message: `Could not tell TaskManager ${tm.id} to commit: ${error.message}`, stack: error.stack ?? '', location: `TaskManager ${tm.id} (${tm.address})` }),
      );
    }
  }

  onMetrics(report: TaskMetricsReport): void {
    if (report.attempt !== this.attempt) return;
    const vertex = this.vertex(report.vertexId ?? 0, report.subtaskIndex ?? 0);
    if (!vertex || isTerminal(vertex.state)) return;
    vertex.recordsIn = Number(report.recordsIn ?? 0);
    vertex.recordsOut = Number(report.recordsOut ?? 0);
  }

  onTaskManagerLost(tm: RegisteredTaskManager, reason: string): void {
    if (this.isTerminal) return;
    const affected = this.vertices.filter((v) => v.taskManager?.id === tm.id && !isTerminal(v.state));
    if (affected.length === 0) return;
    for (const vertex of affected) this.setTaskState(vertex, this.state === 'CANCELING' ? 'CANCELED' : 'FAILED');
    if (this.state === 'CANCELING') {
      this.checkAllTerminal();
      return;
    }
    this.fail({ code: 'TaskManagerLost', message: reason, stack: '', location: `TaskManager ${tm.id} (${tm.address})` });
  }

  cancel(): void {
    if (this.isTerminal || this.state === 'CANCELING') return;
    this.stopWaitingForSlots?.();
    if (this.state === 'CREATED') {
      for (const vertex of this.vertices) this.setTaskState(vertex, 'CANCELED');
      this.finish('CANCELED');
      return;
    }
    this.transition('CANCELING');
    void this.releaseOnTaskManagers();
    // A TaskManager that never answers must not keep the job CANCELING forever.
    this.cancelTimer = setTimeout(() => {
      for (const vertex of this.vertices) if (!isTerminal(vertex.state)) this.setTaskState(vertex, 'CANCELED');
      this.checkAllTerminal();
    }, CANCEL_TIMEOUT_MS);
  }

  summary(): JobSummary {
    return {
      jobId: this.jobId,
      jobName: this.spec.jobName,
      state: this.state as ExecutionState,
      submittedAt: this.submittedAt,
      endedAt: this.isTerminal ? this.stateTimestamps[this.state]! : 0,
      tasksTotal: this.vertices.length,
      tasksRunning: this.vertices.filter((v) => v.state === 'RUNNING').length,
      tasksFinished: this.vertices.filter((v) => v.state === 'FINISHED').length,
    };
  }

  details(): JobDetails {
    return {
      summary: this.summary(),
      stateTimestamps: this.stateTimestamps,
      failure: this.failure ?? null,
      attempt: this.attempt,
      tasks: this.vertices.map((v) => ({
        vertexId: v.vertexId,
        vertexName: v.vertexName,
        subtaskIndex: v.subtaskIndex,
        parallelism: v.parallelism,
        state: v.state,
        taskManagerId: v.taskManager?.id ?? '',
        stateTimestamps: v.stateTimestamps,
        recordsIn: v.recordsIn,
        recordsOut: v.recordsOut,
        failure: v.failure ?? null,
      })),
    };
  }

  private async deploy(): Promise<void> {
    for (const vertex of this.vertices) {
      vertex.taskManager = this.slots[vertex.subtaskIndex];
      this.setTaskState(vertex, 'SCHEDULED');
    }
    this.transition('RUNNING');
    this.log.info({ taskManagers: [...new Set(this.slots.map((s) => s.id))] }, 'Deploying tasks');
    await Promise.all(
      this.vertices.map(async (vertex) => {
        const tm = vertex.taskManager!;
        try {
          this.setTaskState(vertex, 'DEPLOYING');
          await call(tm.client, 'DeployTask', this.deploymentDescriptor(vertex), { timeoutMs: 30_000 });
        } catch (error) {
          this.fail({
            code: 'DeploymentFailed',
            message: `Could not deploy ${vertex.vertexName} (${vertex.subtaskIndex + 1}/${vertex.parallelism}) to TaskManager ${tm.id}: ${(error as Error).message}`,
            stack: (error as Error).stack ?? '',
            location: `TaskManager ${tm.id} (${tm.address})`,
          });
        }
      }),
    );
  }

  private deploymentDescriptor(vertex: ExecutionVertex): TaskDeploymentDescriptor {
    const inputs = this.graph.edges
      .filter((e) => e.targetVertex === vertex.vertexId)
      .flatMap((edge) => this.connectedSubtasks(edge.partitioner, edge.sourceVertex, vertex.subtaskIndex).map((producer) => ({
        edgeId: edge.id,
        producerSubtask: producer,
        producerTaskManagerId: this.slots[producer]!.id,
        producerAddress: this.slots[producer]!.address,
      })));
    const outputs = this.graph.edges
      .filter((e) => e.sourceVertex === vertex.vertexId)
      .flatMap((edge) => this.connectedSubtasks(edge.partitioner, edge.targetVertex, vertex.subtaskIndex).map((consumer) => ({
        edgeId: edge.id,
        consumerSubtask: consumer,
        consumerTaskManagerId: this.slots[consumer]!.id,
      })));
    return {
      jobId: this.jobId,
      attempt: this.attempt,
      spec: this.spec,
      vertexId: vertex.vertexId,
      subtaskIndex: vertex.subtaskIndex,
      inputs,
      outputs,
      restoreStateHandles: {},
      restoreCheckpointId: 0,
    };
  }

  /** The subtasks of `otherVertex` that subtask `index` exchanges records with over an edge. */
  private connectedSubtasks(partitioner: string, otherVertex: number, index: number): number[] {
    if (partitioner === 'forward') return [index];
    return Array.from({ length: this.graph.vertices[otherVertex]!.parallelism }, (_, i) => i);
  }

  private fail(cause: FailureCause): void {
    if (this.isTerminal) return;
    this.stopWaitingForSlots?.();
    this.failure = cause;
    this.log.warn({ cause: cause.message, location: cause.location }, 'Job failed');
    void this.releaseOnTaskManagers();
    for (const vertex of this.vertices) if (!isTerminal(vertex.state)) this.setTaskState(vertex, 'CANCELED');
    this.finish('FAILED');
  }

  private checkAllTerminal(): void {
    if (this.isTerminal || !this.vertices.every((v) => isTerminal(v.state))) return;
    this.finish(this.state === 'CANCELING' ? 'CANCELED' : 'FINISHED');
  }

  private finish(state: 'FINISHED' | 'CANCELED' | 'FAILED'): void {
    clearTimeout(this.cancelTimer);
    this.transition(state);
    this.resources.release(this.jobId);
    this.log.info({ state }, `Job ${state}`);
    this.resolveDone();
  }

  /** Tells every TaskManager of the job to cancel its tasks and drop its channels. */
  private async releaseOnTaskManagers(): Promise<void> {
    const taskManagers = new Set(this.vertices.flatMap((v) => (v.taskManager ? [v.taskManager] : [])));
    await Promise.all(
      [...taskManagers].map((tm) =>
        call(tm.client, 'ReleaseJob', { jobId: this.jobId, attempt: this.attempt }, { timeoutMs: 5_000 }).catch((error: Error) =>
          this.log.warn({ taskManager: tm.id, err: error }, 'Could not release the job on a TaskManager'),
        ),
      ),
    );
  }

  private vertex(vertexId: number, subtaskIndex: number): ExecutionVertex | undefined {
    return this.vertices.find((v) => v.vertexId === vertexId && v.subtaskIndex === subtaskIndex);
  }

  private setTaskState(vertex: ExecutionVertex, state: ExecutionState): void {
    vertex.state = state;
    vertex.stateTimestamps[state] = Date.now();
  }

  private transition(state: JobStatus, at = Date.now()): void {
    this.state = state;
    this.stateTimestamps[state] = at;
  }
}
