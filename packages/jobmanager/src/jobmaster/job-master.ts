/**
 * A JobMaster drives one job: it waits for slots, deploys every subtask (subtask i of every vertex
 * into slot i, Flink's slot sharing), follows the tasks' states and coordinates checkpoints. A task
 * failure or a lost TaskManager asks the job's restart strategy: the attempt is released everywhere
 * and, after the strategy's delay, a new attempt is deployed that restores every operator from the
 * latest usable checkpoint. Waiting too long for slots is such a failure too (Flink's slot request
 * timeout): a restarting job keeps waiting, in RESTARTING, for as long as its strategy allows. The job
 * ends FINISHED when all tasks finish or it is stopped with a savepoint, FAILED when the strategy gives
 * up, CANCELED on request.
 */
import type { JobGraphDescriptor } from '@sage/core';
import { defaultRestartStrategy, resolveCheckpointConfig, SageError } from '@sage/core';
import {
  CheckpointCoordinator,
  finalStateNamespace,
  TASK_NOT_READY,
  RestartBackoff,
  selectRestoreCheckpoint,
  type CheckpointStats,
  type CheckpointStorage,
  type CompletedCheckpoint,
  type StateHandle,
} from '@sage/runtime';
import { status as grpcStatus } from '@grpc/grpc-js';
import {
  call,
  type RpcError,
  type CheckpointAcknowledgement__Output,
  type CheckpointDecline__Output,
  type ExecutionState,
  type FailureCause,
  type JobDetails,
  type JobSpec__Output,
  type JobSummary,
  type TaskExecutionStateUpdate__Output,
  type TaskMetricsReport,
} from '@sage/rpc';
import type { Logger } from '@sage/observability';
import type { RegisteredTaskManager, ResourceManager } from '../resourcemanager/resource-manager.js';
import { ExceptionHistory } from './exception-history.js';
import { deploymentDescriptor } from './deployment-descriptor.js';
import { isTerminal, type ExecutionVertex } from './execution-vertex.js';
import { SlotRequest, unsatisfiableRequest } from './slot-request.js';

export type JobStatus = 'CREATED' | 'RUNNING' | 'RESTARTING' | 'CANCELING' | 'FINISHED' | 'CANCELED' | 'FAILED';
export type TerminalJobStatus = 'FINISHED' | 'CANCELED' | 'FAILED';

const TERMINAL_JOB_STATES: ReadonlySet<JobStatus> = new Set(['FINISHED', 'CANCELED', 'FAILED']);
const CANCEL_TIMEOUT_MS = 10_000;

export interface JobMasterOptions {
  readonly slotWaitTimeoutMs: number;
  readonly checkpointStorage: CheckpointStorage;
  readonly checkpointDefaults: { readonly timeoutMs: number; readonly retained: number; readonly tolerableFailures: number };
  /** The attempt to start with: above every attempt a previous JobManager handed out. */
  readonly firstAttempt: number;
  /** A savepoint (or, for a recovered job, nothing: it finds its own checkpoints) to start from. */
  readonly restoreFrom: CompletedCheckpoint | undefined;
  /** Told of every new attempt and of the end, so the job store can follow. */
  readonly onAttempt: (attempt: number) => void;
  readonly onEnd: (state: TerminalJobStatus) => void;
  /** Counts restarts and restore fallbacks for /metrics. */
  readonly metrics: JobMetrics;
}

export interface JobMetrics {
  restarted(): void;
  /** A restore passed over `skipped` damaged checkpoints. */
  restoreFellBack(skipped: number): void;
}

export class JobMaster {
  state: JobStatus = 'CREATED';
  readonly stateTimestamps: Record<string, number> = {};
  /** The cause of a FAILED job; earlier failures that restarted it are in the exception history. */
  failure: FailureCause | undefined;
  attempt: number;
  private readonly exceptions = new ExceptionHistory();
  /** Damaged checkpoints restores passed over; each is reported once, though every later restore passes it again. */
  private readonly skippedCheckpoints = new Set<number>();
  private vertices: ExecutionVertex[] = [];
  private slots: RegisteredTaskManager[] = [];
  private stopWaitingForSlots: (() => void) | undefined;
  /** Set while the job waits for slots. */
  private slotRequest: SlotRequest | undefined;
  /** Stop-with-savepoint: the savepoint is complete and committed, the tasks are stopping. */
  private stoppingAfterSavepoint = false;
  /** Resolves when the failed attempt's tasks are released (or their TaskManagers did not answer). */
  private released: Promise<void> = Promise.resolve();
  private cancelTimer: NodeJS.Timeout | undefined;
  private restartTimer: NodeJS.Timeout | undefined;
  private endOfInputNotified = false;
  private readonly log: Logger;
  private readonly backoff: RestartBackoff;
  private coordinator: CheckpointCoordinator | undefined;
  /** Resolves when the last stopped coordinator has finished completing what every task acknowledged. */
  private coordinatorStopped: Promise<void> = Promise.resolve();
  private restoredCheckpointId = 0;
  private lastCheckpoint: (CheckpointStats & { timestamp: number; savepoint: boolean }) | undefined;
  private checkpointsCompleted = 0;
  private checkpointsFailed = 0;
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
    this.attempt = options.firstAttempt;
    const checkpointing = graph.execution?.checkpointing ?? null;
    this.backoff = new RestartBackoff(graph.execution?.restartStrategy ?? defaultRestartStrategy(checkpointing !== null));
    this.resetVertices(submittedAt);
    this.transition('CREATED', submittedAt);
  }

  /** Resolves once no checkpoint of the job is being completed any more (after its end: nothing more is written). */
  quiesced(): Promise<void> {
    return this.coordinatorStopped;
  }

  /** Slots the job needs: one per subtask index, shared by all vertices. */
  get requiredSlots(): number {
    return Math.max(...this.graph.vertices.map((v) => v.parallelism));
  }

  get isTerminal(): boolean {
    return TERMINAL_JOB_STATES.has(this.state);
  }

  /** Deploys the first attempt once slots are free: fresh, from a savepoint, or (recovered) from the latest checkpoint. */
  start(recovered = false): void {
    void this.startAttempt(recovered ? 'latest' : 'initial');
  }

  onTaskState(update: TaskExecutionStateUpdate__Output): void {
    if (update.attempt !== this.attempt) return;
    const vertex = this.vertex(update.vertexId, update.subtaskIndex);
    if (!vertex || isTerminal(vertex.state)) return;
    vertex.recordsIn = Number(update.recordsIn);
    vertex.recordsOut = Number(update.recordsOut);
    if (this.state === 'CANCELING' && update.state === 'FAILED') {
      // Cancelling closes channels under running tasks; a task that trips over that was cancelled.
      this.setTaskState(vertex, 'CANCELED');
      this.checkAllTerminal();
      return;
    }
    if (this.stoppingAfterSavepoint && this.state === 'RUNNING') {
      // After the savepoint the tasks are only stopping: however each ends, it ends with the job.
      if (isTerminal(update.state)) this.setTaskState(vertex, 'FINISHED');
      this.checkAllTerminal();
      return;
    }
    this.setTaskState(vertex, update.state);
    if (update.state === 'CANCELED' && this.state === 'RUNNING') {
      // Nobody asked for it: the TaskManager is shutting down or lost this JobManager.
      this.handleFailure({
        code: 'TaskCanceled',
        message: `${vertex.vertexName} (${vertex.subtaskIndex + 1}/${vertex.parallelism}) was cancelled by TaskManager ${update.taskManagerId}, which is shutting down or lost contact with the JobManager`,
        stack: '',
        location: `TaskManager ${update.taskManagerId}`,
      });
      return;
    }
    if (update.state === 'FAILED') {
      vertex.failure = update.failure ?? undefined;
      // A task whose record stream from another TaskManager broke: restarts must not go there.
      const unreachable = update.failure?.unreachableTaskManagerId;
      if (unreachable) this.resources.suspectUnreachable(unreachable, `${vertex.vertexName} (${vertex.subtaskIndex + 1}/${vertex.parallelism}) lost its connection to it`);
      this.handleFailure(update.failure ?? { code: 'TaskFailure', message: 'A task failed without a cause', stack: '', location: vertex.vertexName });
      return;
    }
    if (update.state === 'FINISHING' || update.state === 'FINISHED') this.coordinator?.taskEnded(vertex.vertexId, vertex.subtaskIndex);
    this.checkEndOfInput();
    this.checkAllTerminal();
  }

  onCheckpointAck(ack: CheckpointAcknowledgement__Output): void {
    if (ack.attempt !== this.attempt) return;
    const handles: Record<string, StateHandle> = {};
    for (const [uid, json] of Object.entries(ack.stateHandles)) handles[uid] = JSON.parse(json as string) as StateHandle;
    this.coordinator?.acknowledge({
      checkpointId: Number(ack.checkpointId),
      vertexId: ack.vertexId,
      subtaskIndex: ack.subtaskIndex,
      handles,
      stateSize: Number(ack.stateSize),
      syncMs: Number(ack.syncMs),
      asyncMs: Number(ack.asyncMs),
      final: ack.finalState,
    });
  }

  onCheckpointDecline(decline: CheckpointDecline__Output): void {
    if (decline.attempt !== this.attempt) return;
    const reason = new SageError(decline.reason?.code || 'CheckpointDeclined', decline.reason?.message ?? 'no reason given');
    this.coordinator?.decline(Number(decline.checkpointId), decline.vertexId, decline.subtaskIndex, reason);
  }

  /** A savepoint of the running job; with `stop`, the job ends once the savepoint's commits are done. */
  async triggerSavepoint(stop: boolean): Promise<CompletedCheckpoint> {
    if (this.graph.execution?.checkpointing == null) {
      throw new Error(`Job ${this.jobId} runs without checkpointing, so it cannot take savepoints: call env.enableCheckpointing(ms) in the job`);
    }
    if (this.state !== 'RUNNING' || this.coordinator === undefined) {
      throw new Error(`Job ${this.jobId} is ${this.state}: savepoints are taken of running jobs only`);
    }
    const savepoint = await this.coordinator.triggerSavepoint({ terminate: stop });
    if (stop) this.finishAfterSavepoint(savepoint.checkpointId);
    return savepoint;
  }

  /**
   * Stop-with-savepoint, once the savepoint is complete and its commits are done: the tasks stop and
   * the job ends FINISHED, as Flink reports it. What the tasks processed after the savepoint's barrier
   * is discarded with them, so a job resumed from the savepoint continues without gap or overlap.
   */
  private finishAfterSavepoint(savepointId: number): void {
    if (this.state !== 'RUNNING' || this.stoppingAfterSavepoint) return;
    this.stoppingAfterSavepoint = true;
    this.log.info({ savepoint: savepointId }, `Stopping the job after savepoint ${savepointId}`);
    this.stopCoordinator(`the job stopped with savepoint ${savepointId}`);
    void this.releaseOnTaskManagers();
    // A TaskManager that never answers must not keep the job from ending.
    this.cancelTimer = setTimeout(() => {
      for (const vertex of this.vertices) if (!isTerminal(vertex.state)) this.setTaskState(vertex, 'FINISHED');
      this.checkAllTerminal();
    }, CANCEL_TIMEOUT_MS);
  }

  onMetrics(report: TaskMetricsReport): void {
    if (report.attempt !== this.attempt) return;
    const vertex = this.vertex(report.vertexId ?? 0, report.subtaskIndex ?? 0);
    if (!vertex || isTerminal(vertex.state)) return;
    vertex.recordsIn = Number(report.recordsIn ?? 0);
    vertex.recordsOut = Number(report.recordsOut ?? 0);
  }

  onTaskManagerLost(tm: RegisteredTaskManager, reason: string): void {
    if (this.isTerminal || this.state === 'RESTARTING') return;
    const affected = this.vertices.filter((v) => v.taskManager?.id === tm.id && !isTerminal(v.state));
    if (affected.length === 0) return;
    if (this.stoppingAfterSavepoint && this.state === 'RUNNING') {
      for (const vertex of affected) this.setTaskState(vertex, 'FINISHED');
      this.checkAllTerminal();
      return;
    }
    for (const vertex of affected) this.setTaskState(vertex, this.state === 'CANCELING' ? 'CANCELED' : 'FAILED');
    if (this.state === 'CANCELING') {
      this.checkAllTerminal();
      return;
    }
    this.handleFailure({ code: 'TaskManagerLost', message: reason, stack: '', location: `TaskManager ${tm.id} (${tm.address})` });
  }

  cancel(): void {
    if (this.isTerminal || this.state === 'CANCELING') return;
    this.stopWaitingForSlots?.();
    this.stopCoordinator('the job was cancelled');
    clearTimeout(this.restartTimer);
    if (this.state === 'CREATED' || this.state === 'RESTARTING') {
      for (const vertex of this.vertices) if (!isTerminal(vertex.state)) this.setTaskState(vertex, 'CANCELED');
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

  /**
   * The JobManager is shutting down and will resume this job when it comes back: the tasks stop,
   * but the job is not ended, so the store still holds it as running.
   */
  async suspend(): Promise<void> {
    if (this.isTerminal) return;
    this.stopWaitingForSlots?.();
    clearTimeout(this.restartTimer);
    this.stopCoordinator('the JobManager is shutting down');
    await this.releaseOnTaskManagers();
    this.resources.release(this.jobId);
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
    const last = this.lastCheckpoint;
    return {
      summary: this.summary(),
      stateTimestamps: this.stateTimestamps,
      failure: this.failure ?? null,
      attempt: this.attempt,
      restarts: this.backoff.restartCount,
      lastCheckpoint: last
        ? { checkpointId: last.checkpointId, timestamp: last.timestamp, durationMs: last.durationMs, stateSize: last.stateSize, savepoint: last.savepoint }
        : null,
      checkpointsCompleted: this.checkpointsCompleted,
      checkpointsFailed: this.checkpointsFailed,
      restoredCheckpointId: this.restoredCheckpointId,
      exceptions: this.exceptions.list(),
      restoreFallbacks: this.skippedCheckpoints.size,
      waitingForSlots: this.slotRequest?.status() ?? null,
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

  /** Chooses what to restore, waits for slots and deploys. `latest`: the newest usable checkpoint, else the savepoint. */
  private async startAttempt(restore: 'initial' | 'latest'): Promise<void> {
    let checkpoint: CompletedCheckpoint | undefined = this.options.restoreFrom;
    if (restore === 'latest') {
      await this.coordinatorStopped;
      try {
        const policy = this.graph.execution?.checkpointing ? resolveCheckpointConfig(this.graph.execution.checkpointing).onCorruptCheckpoint : 'fall-back';
        const choice = await selectRestoreCheckpoint(this.options.checkpointStorage, this.jobId, this.log, policy);
        checkpoint = choice.checkpoint ?? this.options.restoreFrom;
        const fresh = choice.skipped.filter((skipped) => !this.skippedCheckpoints.has(skipped.checkpointId));
        for (const skipped of fresh) {
          this.skippedCheckpoints.add(skipped.checkpointId);
          this.exceptions.checkpointSkipped(this.attempt, skipped.checkpointId, skipped.problem, checkpoint?.checkpointId);
        }
        if (fresh.length > 0) this.options.metrics.restoreFellBack(fresh.length);
      } catch (error) {
        // A SageError's message says what to do; the JobManager's own frames would only bury it.
        const stack = error instanceof SageError ? '' : ((error as Error).stack ?? '');
        this.fail({ code: (error as { code?: string }).code ?? 'RestoreFailed', message: (error as Error).message, stack, location: 'JobManager' });
        return;
      }
    }
    if (this.isTerminal || this.state === 'CANCELING') return;
    this.restoredCheckpointId = checkpoint?.checkpointId ?? 0;
    if (checkpoint) this.log.info({ checkpoint: checkpoint.checkpointId, savepoint: checkpoint.savepoint, attempt: this.attempt }, `Restoring from checkpoint ${checkpoint.checkpointId}`);
    this.options.onAttempt(this.attempt);
    this.waitForSlots(checkpoint, restore === 'initial');
  }

  /**
   * Deploys as soon as enough slots are free. Each `slotWaitTimeoutMs` without them is a failure that
   * goes through the restart strategy, as Flink's slot request timeout does: while the strategy allows,
   * the job keeps waiting (RESTARTING) and takes the slots of the next TaskManager that registers.
   * A new job that can never fit the TaskManagers registered now fails at once instead.
   */
  private waitForSlots(checkpoint: CompletedCheckpoint | undefined, firstScheduling: boolean): void {
    const needed = this.requiredSlots;
    const unsatisfiable = firstScheduling ? unsatisfiableRequest(this.resources, needed) : undefined;
    if (unsatisfiable !== undefined) {
      this.fail(unsatisfiable);
      return;
    }
    const request: SlotRequest = new SlotRequest(this.resources, this.jobId, needed, this.options.slotWaitTimeoutMs, {
      wanted: () => this.state === 'CREATED' || this.state === 'RESTARTING',
      onAllocated: (slots) => {
        this.stopWaitingForSlots?.();
        this.slots = slots;
        void this.deploy(checkpoint);
      },
      onTimeout: () => this.onSlotTimeout(request),
    });
    this.slotRequest = request;
    this.stopWaitingForSlots = () => {
      request.cancel();
      this.slotRequest = undefined;
      this.stopWaitingForSlots = undefined;
    };
    this.log.info({ slots: needed, attempt: this.attempt }, 'Waiting for slots');
    request.start();
  }

  /** A slot request timed out: a failure for the restart strategy. Returns the pause before waiting on, or null. */
  private onSlotTimeout(request: SlotRequest): number | null {
    const cause = request.timeoutCause();
    const delay = this.backoff.onFailure();
    if (delay === null) {
      const exhausted = this.backoff.restartCount > 0 ? ` (no restart left: ${this.backoff.describeExhausted()})` : '';
      this.fail({ ...cause, message: cause.message + exhausted });
      return null;
    }
    this.exceptions.restarted(this.attempt, cause, delay);
    this.options.metrics.restarted();
    this.log.warn({ slots: request.needed, delayMs: delay, restart: this.backoff.restartCount }, `No slots for job attempt ${this.attempt} in ${this.options.slotWaitTimeoutMs} ms; waiting on`);
    if (this.state !== 'RESTARTING') this.transition('RESTARTING');
    return delay;
  }

  /**
   * The attempt failed. With a restart left, everything of this attempt is released and a new attempt
   * starts after the strategy's delay; without one the job fails with the cause.
   */
  private handleFailure(cause: FailureCause): void {
    if (this.isTerminal || this.state === 'CANCELING' || this.state === 'RESTARTING' || this.stoppingAfterSavepoint) return;
    this.stopCoordinator('the job attempt failed');
    const delay = this.backoff.onFailure();
    if (delay === null) {
      const exhausted = this.backoff.restartCount > 0 ? ` (no restart left: ${this.backoff.describeExhausted()})` : '';
      this.fail({ ...cause, message: cause.message + exhausted });
      return;
    }
    this.exceptions.restarted(this.attempt, cause, delay);
    this.options.metrics.restarted();
    this.log.warn({ cause: cause.message, location: cause.location, delayMs: delay, restart: this.backoff.restartCount }, `Job attempt ${this.attempt} failed; restarting in ${delay} ms`);
    this.transition('RESTARTING');
    const failedAttempt = this.attempt;
    this.released = this.releaseOnTaskManagers(failedAttempt);
    for (const vertex of this.vertices) if (!isTerminal(vertex.state)) this.setTaskState(vertex, 'CANCELED');
    this.resources.release(this.jobId);
    this.restartTimer = setTimeout(() => {
      // As Flink waits for the failed tasks to be cancelled: a TaskManager that did not answer the
      // release is excluded from the allocation that follows.
      void this.released.then(() => {
        if (this.state !== 'RESTARTING') return;
        this.attempt = failedAttempt + 1;
        this.endOfInputNotified = false;
        this.resetVertices(Date.now());
        void this.startAttempt('latest');
      });
    }, delay);
  }

  /**
   * Once every task has reached the end of its input, the tasks waiting in FINISHING commit their
   * results: the job-wide commit of a bounded job, sent like a checkpoint's completion.
   */
  private checkEndOfInput(): void {
    // After a stop-with-savepoint nothing past the savepoint may commit, or a resumed job repeats it.
    if (this.endOfInputNotified || this.state !== 'RUNNING' || this.stoppingAfterSavepoint) return;
    if (!this.vertices.every((v) => v.state === 'FINISHING' || v.state === 'FINISHED')) return;
    if (!this.vertices.some((v) => v.state === 'FINISHING')) return;
    this.endOfInputNotified = true;
    const coordinator = this.coordinator;
    if (coordinator === undefined) {
      this.notifyEndOfInput();
      return;
    }
    // The commit comes after the final checkpoint: a failure during it restores past every record.
    const attempt = this.attempt;
    coordinator.completeFinalCheckpoint().then(
      () => {
        if (attempt === this.attempt && this.state === 'RUNNING') this.notifyEndOfInput();
      },
      (error: Error) => {
        if (attempt !== this.attempt) return;
        this.handleFailure({ code: 'FinalCheckpointFailed', message: `The final checkpoint failed: ${error.message}`, stack: error.stack ?? '', location: 'CheckpointCoordinator' });
      },
    );
  }

  private notifyEndOfInput(): void {
    const taskManagers = new Set(this.vertices.filter((v) => v.state === 'FINISHING').map((v) => v.taskManager!));
    for (const tm of taskManagers) {
      call(tm.client, 'NotifyCheckpointComplete', { jobId: this.jobId, attempt: this.attempt, checkpointId: 0, endOfInput: true }).catch((error: Error) =>
        this.handleFailure({ code: 'CommitFailed', message: `Could not tell TaskManager ${tm.id} to commit: ${error.message}`, stack: error.stack ?? '', location: `TaskManager ${tm.id} (${tm.address})` }),
      );
    }
  }

  private async deploy(checkpoint: CompletedCheckpoint | undefined): Promise<void> {
    const attempt = this.attempt;
    for (const vertex of this.vertices) {
      vertex.taskManager = this.slots[vertex.subtaskIndex];
      this.setTaskState(vertex, 'SCHEDULED');
    }
    this.transition('RUNNING');
    this.coordinator = this.createCoordinator(attempt);
    this.log.info({ taskManagers: [...new Set(this.slots.map((s) => s.id))], attempt }, 'Deploying tasks');
    const restoreHandles: Record<string, string> = {};
    for (const [uid, operator] of Object.entries(checkpoint?.operators ?? {})) restoreHandles[uid] = JSON.stringify(operator);
    const job = { jobId: this.jobId, attempt, spec: this.spec, graph: this.graph, slots: this.slots };
    await Promise.all(
      this.vertices.map(async (vertex) => {
        const tm = vertex.taskManager!;
        try {
          this.setTaskState(vertex, 'DEPLOYING');
          await call(tm.client, 'DeployTask', deploymentDescriptor(job, vertex, restoreHandles, checkpoint?.checkpointId ?? 0), { timeoutMs: 30_000 });
        } catch (error) {
          if ((error as RpcError).status === grpcStatus.UNAVAILABLE) this.resources.reportUnreachable(tm.id, (error as Error).message);
          if (attempt !== this.attempt) return;
          this.handleFailure({
            code: 'DeploymentFailed',
            message: `Could not deploy ${vertex.vertexName} (${vertex.subtaskIndex + 1}/${vertex.parallelism}) to TaskManager ${tm.id}: ${(error as Error).message}`,
            stack: (error as Error).stack ?? '',
            location: `TaskManager ${tm.id} (${tm.address})`,
          });
        }
      }),
    );
    if (attempt === this.attempt && this.state === 'RUNNING') this.coordinator?.start();
  }

  private stopCoordinator(reason: string): void {
    const coordinator = this.coordinator;
    if (coordinator === undefined) return;
    this.coordinator = undefined;
    const previous = this.coordinatorStopped;
    const attempt = this.attempt;
    // The attempt's final states go once no checkpoint of it can still copy them.
    const stopped = coordinator.stop(reason).then(() =>
      this.options.checkpointStorage
        .discardCheckpoint(this.jobId, finalStateNamespace(attempt))
        .catch((error: Error) => this.log.warn({ attempt, err: error }, 'Could not delete the final states of a job attempt')),
    );
    this.coordinatorStopped = Promise.all([previous, stopped]).then(() => {});
  }

  private createCoordinator(attempt: number): CheckpointCoordinator | undefined {
    const checkpointing = this.graph.execution?.checkpointing;
    if (checkpointing == null) return undefined;
    const defaults = this.options.checkpointDefaults;
    const config = resolveCheckpointConfig(checkpointing, defaults);
    const forEachTaskManager = (send: (tm: RegisteredTaskManager) => Promise<unknown>) =>
      Promise.all([...new Set(this.vertices.map((v) => v.taskManager!))].map(send));
    const coordinator: CheckpointCoordinator = new CheckpointCoordinator({
      jobId: this.jobId,
      graph: this.graph,
      config,
      storage: this.options.checkpointStorage,
      log: this.log,
      restoredSavepointId: this.options.restoreFrom?.checkpointId,
      participants: {
        taskProgress: (vertexId, subtaskIndex) => {
          const vertex = this.attempt === attempt && this.state === 'RUNNING' ? this.vertex(vertexId, subtaskIndex) : undefined;
          if (vertex === undefined) return 'OTHER';
          return vertex.state === 'RUNNING' ? 'RUNNING' : vertex.state === 'FINISHING' || vertex.state === 'FINISHED' ? 'ENDED' : 'OTHER';
        },
        triggerTasks: (checkpointId, timestamp, targets) => {
          for (const target of targets) {
            const vertex = this.vertex(target.vertexId, target.subtaskIndex)!;
            const tm = vertex.taskManager!;
            const request = { jobId: this.jobId, attempt, checkpointId, timestamp, vertexId: vertex.vertexId, subtaskIndex: vertex.subtaskIndex };
            call(tm.client, 'TriggerCheckpoint', request, { timeoutMs: 10_000 }).catch((error: RpcError) => {
              // The task ended and left its TaskManager meanwhile: the next checkpoint takes its final state.
              const reason =
                error.status === grpcStatus.NOT_FOUND
                  ? new SageError(TASK_NOT_READY, `${vertex.vertexName} (${vertex.subtaskIndex + 1}/${vertex.parallelism}) is no longer running on TaskManager ${tm.id}`)
                  : new Error(`could not reach TaskManager ${tm.id}: ${error.message}`);
              coordinator.decline(checkpointId, vertex.vertexId, vertex.subtaskIndex, reason);
            });
          }
        },
        notifyComplete: async (checkpointId) => {
          await forEachTaskManager((tm) => call(tm.client, 'NotifyCheckpointComplete', { jobId: this.jobId, attempt, checkpointId, endOfInput: false }, { timeoutMs: 60_000 }));
        },
        notifyAborted: (checkpointId) => {
          void forEachTaskManager((tm) =>
            call(tm.client, 'NotifyCheckpointAborted', { jobId: this.jobId, attempt, checkpointId, endOfInput: false }, { timeoutMs: 10_000 }).catch(() => {}),
          );
        },
      },
      onTooManyFailures: (cause) => this.handleFailure({ code: cause.code, message: cause.message, stack: cause.stack ?? '', location: 'CheckpointCoordinator' }),
      onCompleted: (checkpoint, stats) => {
        this.checkpointsCompleted++;
        this.lastCheckpoint = { ...stats, timestamp: checkpoint.timestamp, savepoint: checkpoint.savepoint };
      },
      onAborted: () => this.checkpointsFailed++,
    });
    return coordinator;
  }

  private fail(cause: FailureCause): void {
    if (this.isTerminal) return;
    this.stopWaitingForSlots?.();
    clearTimeout(this.restartTimer);
    this.stopCoordinator('the job failed');
    this.failure = cause;
    this.exceptions.failed(this.attempt, cause);
    this.log.warn({ cause: cause.message, location: cause.location }, 'Job failed');
    void this.releaseOnTaskManagers();
    for (const vertex of this.vertices) if (!isTerminal(vertex.state)) this.setTaskState(vertex, 'CANCELED');
    this.finish('FAILED');
  }

  private checkAllTerminal(): void {
    if (this.isTerminal || this.state === 'RESTARTING' || !this.vertices.every((v) => isTerminal(v.state))) return;
    this.finish(this.state === 'CANCELING' ? 'CANCELED' : 'FINISHED');
  }

  private finish(state: TerminalJobStatus): void {
    clearTimeout(this.cancelTimer);
    this.stopCoordinator(`the job ${state.toLowerCase()}`);
    this.transition(state);
    this.resources.release(this.jobId);
    this.log.info({ state }, `Job ${state}`);
    this.options.onEnd(state);
    this.resolveDone();
  }

  /** Tells every TaskManager of the job to cancel the attempt's tasks and drop its channels. */
  private async releaseOnTaskManagers(attempt = this.attempt): Promise<void> {
    const taskManagers = new Set(this.vertices.flatMap((v) => (v.taskManager ? [v.taskManager] : [])));
    await Promise.all(
      [...taskManagers].map((tm) =>
        call(tm.client, 'ReleaseJob', { jobId: this.jobId, attempt }, { timeoutMs: 5_000 }).catch((error: Error) => {
          this.log.warn({ taskManager: tm.id, err: error }, 'Could not release the job on a TaskManager');
          // Only the registration called: a process that registered again under the id is another one.
          if (this.resources.get(tm.id) === tm) this.resources.suspectUnreachable(tm.id, `releasing job ${this.jobId} failed: ${error.message}`);
        }),
      ),
    );
  }

  private resetVertices(at: number): void {
    this.vertices = [];
    for (const vertex of this.graph.vertices) {
      for (let subtask = 0; subtask < vertex.parallelism; subtask++) {
        this.vertices.push({
          vertexId: vertex.id,
          vertexName: vertex.name,
          subtaskIndex: subtask,
          parallelism: vertex.parallelism,
          state: 'CREATED',
          taskManager: undefined,
          stateTimestamps: { CREATED: at },
          recordsIn: 0,
          recordsOut: 0,
          failure: undefined,
        });
      }
    }
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
