/**
 * The CheckpointCoordinator of one job attempt (Flink's, after Carbone et al. 2015): it triggers
 * checkpoint n at the source tasks every interval, collects every task's acknowledgement, then makes
 * the checkpoint visible in storage in one atomic step, tells the tasks (so transactional sinks
 * commit) and deletes checkpoints beyond the retained number. A checkpoint that times out or is
 * declined is aborted and the next one goes on; too many failures in a row fail the job.
 *
 * Checkpoints go on after some tasks have finished (FLIP-147): checkpoint n is triggered at the tasks
 * still running whose upstream subtasks have all ended (sources, mostly), it waits for the tasks that
 * were running, and each ended task stands in it with its final state, copied into n. When every task
 * has ended, completeFinalCheckpoint() records the job's last checkpoint, made of final states only.
 *
 * It lives in the runtime, not the JobManager, because LocalCluster coordinates checkpoints the same
 * way in one process; the JobManager adapts it to RPC.
 */
import type { JobGraphDescriptor, ResolvedCheckpointConfig } from '@sage/core';
import { SageError } from '@sage/core';
import { TASK_NOT_READY, type TaskCheckpointAck } from '../tasks/task.js';
import type { CheckpointStorage, CompletedCheckpoint, OperatorCheckpoint, StateHandle } from './checkpoint-storage.js';

/** RUNNING; ENDED: FINISHING or FINISHED, past the end of its input; OTHER: not (yet, or no longer) running. */
export type TaskProgress = 'RUNNING' | 'ENDED' | 'OTHER';

export interface TaskId {
  readonly vertexId: number;
  readonly subtaskIndex: number;
}

/** How the coordinator reaches the tasks of the attempt it coordinates. */
export interface CheckpointParticipants {
  /** Where a task of the attempt stands; OTHER for every task while the attempt itself is not running. */
  taskProgress(vertexId: number, subtaskIndex: number): TaskProgress;
  /** Starts checkpoint n at these tasks: running sources, and running tasks whose upstream subtasks have all ended. */
  triggerTasks(checkpointId: number, timestamp: number, tasks: readonly TaskId[]): void;
  /** Resolves once every task has handled the notification (its sinks committed). */
  notifyComplete(checkpointId: number): Promise<void> | void;
  notifyAborted(checkpointId: number): void;
}

export interface CoordinatorLog {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
}

export interface CheckpointCoordinatorSpec {
  readonly jobId: string;
  readonly graph: JobGraphDescriptor;
  readonly config: ResolvedCheckpointConfig;
  readonly storage: CheckpointStorage;
  readonly participants: CheckpointParticipants;
  readonly log: CoordinatorLog;
  /** Called once when more checkpoints failed in a row than the job tolerates. */
  readonly onTooManyFailures: (cause: CheckpointFailure) => void;
  /** Called after each completed checkpoint, for metrics and tests. */
  readonly onCompleted?: (checkpoint: CompletedCheckpoint, stats: CheckpointStats) => void;
  /** Called after each aborted checkpoint or savepoint. */
  readonly onAborted?: (failure: CheckpointFailure) => void;
  /** The savepoint the job started from, if any: checkpoint ids continue above its id. */
  readonly restoredSavepointId?: number;
}

export interface CheckpointStats {
  readonly checkpointId: number;
  readonly durationMs: number;
  readonly stateSize: number;
  /** Longest time a task spent capturing its state in its mailbox (records wait meanwhile). */
  readonly maxSyncMs: number;
  /** Longest time a task spent writing its state to storage (records flow meanwhile). */
  readonly maxAsyncMs: number;
}

/** plan()'s answer when no task is running any more. */
const ALL_ENDED = 'every task has ended';

export class CheckpointFailure extends SageError {
  constructor(message: string, cause?: unknown) {
    super('CheckpointFailure', message, { cause });
  }
}

interface PendingCheckpoint {
  readonly checkpointId: number;
  readonly timestamp: number;
  readonly savepoint: boolean;
  /** Stop-with-savepoint: nothing is triggered after it, and it resolves once its commits are done. */
  readonly terminate: boolean;
  /** The tasks that were running when it was triggered: each must acknowledge. */
  readonly expected: ReadonlySet<string>;
  /** The final states of the tasks that had ended when it was triggered. */
  readonly finals: readonly TaskCheckpointAck[];
  readonly acks: Map<string, TaskCheckpointAck>;
  readonly timeout: NodeJS.Timeout;
  readonly resolve: (checkpoint: CompletedCheckpoint) => void;
  readonly reject: (error: Error) => void;
  completing: boolean;
}

export class CheckpointCoordinator {
  private readonly pending = new Map<number, PendingCheckpoint>();
  /** Completions under way (metadata, notification, retention). */
  private readonly completions = new Set<Promise<void>>();
  /** Final states of the attempt's ended tasks, by `vertex/subtask`. */
  private readonly finalStates = new Map<string, TaskCheckpointAck>();
  private readonly vertexOfUid = new Map<string, { parallelism: number; maxParallelism: number }>();
  private timer: NodeJS.Timeout | undefined;
  private stopped = true;
  private stopping = false;
  private triggering = false;
  private lastCheckpointEndedAt = 0;
  private consecutiveFailures = 0;
  private lastStats: CheckpointStats | undefined;

  constructor(private readonly spec: CheckpointCoordinatorSpec) {
    for (const vertex of spec.graph.vertices) {
      for (const operator of vertex.operators) this.vertexOfUid.set(operator.uid, { parallelism: vertex.parallelism, maxParallelism: vertex.maxParallelism });
    }
  }

  get latestStats(): CheckpointStats | undefined {
    return this.lastStats;
  }

  start(): void {
    this.stopped = false;
    this.schedule(this.spec.config.intervalMs);
  }

  /**
   * Stops triggering and aborts what is in flight (the attempt is ending); completed checkpoints stay.
   * A checkpoint whose every task has acknowledged is not aborted but allowed to complete: the
   * returned promise resolves once it has, so that a restart chooses its checkpoint only after.
   */
  stop(reason = 'the job attempt ended'): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    for (const pending of [...this.pending.values()]) if (!pending.completing) this.abort(pending, reason, false);
    return Promise.all(this.completions).then(() => {});
  }

  /**
   * A checkpoint the user asked for (a savepoint): taken now, outside the interval and the
   * concurrency limit, kept until deleted by hand. Resolves once it is complete.
   */
  triggerSavepoint(options: { terminate?: boolean } = {}): Promise<CompletedCheckpoint> {
    if (this.stopped) return Promise.reject(new CheckpointFailure(`Job ${this.spec.jobId} is not running: no savepoint can be taken`));
    const plan = this.plan();
    if (typeof plan === 'string') {
      return Promise.reject(
        new CheckpointFailure(
          plan === ALL_ENDED
            ? `Every task of job ${this.spec.jobId} has reached the end of its input: the job is finishing, with a final checkpoint, and needs no savepoint`
            : `Not every task of job ${this.spec.jobId} is running yet (${plan}): try the savepoint again in a moment`,
        ),
      );
    }
    if (options.terminate) {
      // No checkpoint may complete after the final savepoint, or its commits would reach past it.
      this.stopping = true;
      clearTimeout(this.timer);
    }
    return this.trigger(true, options.terminate ?? false);
  }

  acknowledge(ack: TaskCheckpointAck): void {
    const key = `${ack.vertexId}/${ack.subtaskIndex}`;
    if (ack.final) {
      this.finalStates.set(key, ack);
      return;
    }
    const pending = this.pending.get(ack.checkpointId);
    if (pending === undefined || pending.completing || !pending.expected.has(key)) return;
    pending.acks.set(key, ack);
    if (pending.acks.size === pending.expected.size) {
      const completion = this.complete(pending);
      this.completions.add(completion);
      void completion.finally(() => this.completions.delete(completion));
    }
  }

  decline(checkpointId: number, vertexId: number, subtaskIndex: number, reason: Error): void {
    const pending = this.pending.get(checkpointId);
    if (pending === undefined || pending.completing) return;
    const task = this.spec.graph.vertices[vertexId];
    const notReady = (reason as { code?: string }).code === TASK_NOT_READY;
    this.abort(pending, `declined by ${task?.name ?? `vertex ${vertexId}`} (${subtaskIndex + 1}/${task?.parallelism ?? '?'}): ${reason.message}`, !notReady);
  }

  /**
   * A task ended (finished its input): checkpoints still waiting for it will never complete. Not a
   * failure: the next checkpoint takes its final state instead.
   */
  taskEnded(vertexId: number, subtaskIndex: number): void {
    const key = `${vertexId}/${subtaskIndex}`;
    for (const pending of [...this.pending.values()]) {
      if (pending.expected.has(key) && !pending.acks.has(key) && !pending.completing) {
        this.abort(pending, `task ${vertexId}/${subtaskIndex} finished before acknowledging it`, false);
      }
    }
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    if (this.stopped) return;
    this.timer = setTimeout(() => this.onTimer(), Math.max(0, delayMs));
  }

  private onTimer(): void {
    if (this.stopped || this.stopping) return;
    const { intervalMs, minPauseMs, maxConcurrent } = this.spec.config;
    const regular = [...this.pending.values()].filter((p) => !p.savepoint).length;
    const pauseLeft = this.lastCheckpointEndedAt + minPauseMs - Date.now();
    if (this.triggering || regular >= maxConcurrent || typeof this.plan() === 'string') {
      this.schedule(Math.min(intervalMs, 100));
      return;
    }
    if (pauseLeft > 0) {
      this.schedule(pauseLeft);
      return;
    }
    this.trigger(false, false).catch(() => {
      // Aborts are logged and counted where they happen.
    });
    this.schedule(intervalMs);
  }

  private async trigger(savepoint: boolean, terminate: boolean): Promise<CompletedCheckpoint> {
    this.triggering = true;
    let checkpointId: number;
    try {
      checkpointId = await this.spec.storage.nextCheckpointId(this.spec.jobId, this.spec.restoredSavepointId ?? 0);
    } catch (error) {
      this.triggering = false;
      const failure = new CheckpointFailure(`Could not start a checkpoint of job ${this.spec.jobId}: checkpoint storage failed: ${(error as Error).message}`, error);
      this.countFailure(failure);
      throw failure;
    } finally {
      this.triggering = false;
    }
    if (this.stopped) throw new CheckpointFailure(`Job ${this.spec.jobId} stopped before checkpoint ${checkpointId} started`);
    const plan = this.plan();
    if (typeof plan === 'string') {
      throw new CheckpointFailure(`Checkpoint ${checkpointId} of job ${this.spec.jobId} was not started: ${plan}`);
    }
    const timestamp = Date.now();
    return new Promise<CompletedCheckpoint>((resolve, reject) => {
      const timeout = setTimeout(() => {
        const p = this.pending.get(checkpointId);
        if (p && !p.completing) this.abort(p, `it did not complete within ${this.spec.config.timeoutMs} ms`, true);
      }, this.spec.config.timeoutMs);
      this.pending.set(checkpointId, { checkpointId, timestamp, savepoint, terminate, expected: plan.expected, finals: plan.finals, acks: new Map(), timeout, resolve, reject, completing: false });
      this.spec.participants.triggerTasks(checkpointId, timestamp, plan.trigger);
    });
  }

  private async complete(pending: PendingCheckpoint): Promise<void> {
    pending.completing = true;
    clearTimeout(pending.timeout);
    const { jobId, storage, log } = this.spec;
    let checkpoint: CompletedCheckpoint;
    let sizes: { stateSize: number; maxSyncMs: number; maxAsyncMs: number };
    try {
      ({ checkpoint, sizes } = await this.assemble(pending.checkpointId, pending.timestamp, pending.savepoint, [...pending.acks.values()], pending.finals));
      await storage.completeCheckpoint(checkpoint);
    } catch (error) {
      pending.completing = false;
      this.abort(pending, `its metadata could not be stored: ${(error as Error).message}`, true);
      return;
    }
    this.pending.delete(pending.checkpointId);
    this.lastCheckpointEndedAt = Date.now();
    this.consecutiveFailures = 0;
    const stats: CheckpointStats = { checkpointId: pending.checkpointId, durationMs: Date.now() - pending.timestamp, ...sizes };
    this.lastStats = stats;
    log.info({ job: jobId, checkpoint: pending.checkpointId, savepoint: pending.savepoint, ...stats }, `Completed ${pending.savepoint ? 'savepoint' : 'checkpoint'} ${pending.checkpointId}`);
    // Older checkpoints still in flight are subsumed: this one already covers what they would.
    for (const older of [...this.pending.values()]) {
      if (older.checkpointId < pending.checkpointId && !older.savepoint) this.abort(older, `checkpoint ${pending.checkpointId} completed first`, false);
    }
    if (pending.terminate) {
      void this.stop(`stopped with savepoint ${pending.checkpointId}`);
      try {
        await this.spec.participants.notifyComplete(pending.checkpointId);
      } catch (error) {
        pending.reject(new CheckpointFailure(`Savepoint ${pending.checkpointId} is complete, but its commits failed: ${(error as Error).message}`, error));
        return;
      }
    } else if (!this.stopped) {
      void Promise.resolve(this.spec.participants.notifyComplete(pending.checkpointId)).catch((error: Error) =>
        log.warn({ job: jobId, checkpoint: pending.checkpointId, err: error }, 'Could not tell every task that the checkpoint completed'),
      );
    }
    pending.resolve(checkpoint);
    this.spec.onCompleted?.(checkpoint, stats);
    await this.applyRetention();
  }

  /**
   * The job's last checkpoint, once every task has ended: made of final states only, with nothing to
   * trigger. Recorded before the end-of-input commit, so that a failure during that commit restores a
   * checkpoint past every record (sources have nothing left, sinks commit again, idempotently).
   * Resolves undefined when the coordinator was stopped (the attempt is ending anyway).
   */
  async completeFinalCheckpoint(): Promise<CompletedCheckpoint | undefined> {
    if (this.stopped) return undefined;
    for (const pending of [...this.pending.values()]) if (!pending.completing) this.abort(pending, 'every task has ended', false);
    // After the aborts: an aborted stop-with-savepoint would schedule checkpoints again.
    this.stopping = true;
    clearTimeout(this.timer);
    await Promise.all(this.completions);
    const { jobId, graph, storage, log } = this.spec;
    const finals: TaskCheckpointAck[] = [];
    for (const vertex of graph.vertices) {
      for (let subtask = 0; subtask < vertex.parallelism; subtask++) {
        const final = this.finalStates.get(`${vertex.id}/${subtask}`);
        if (final === undefined) throw new CheckpointFailure(`The final checkpoint of job ${jobId} cannot be taken: ${vertex.name} (${subtask + 1}/${vertex.parallelism}) has not reported its final state`);
        finals.push(final);
      }
    }
    const started = Date.now();
    const checkpointId = await storage.nextCheckpointId(jobId, this.spec.restoredSavepointId ?? 0);
    const { checkpoint, sizes } = await this.assemble(checkpointId, started, false, [], finals);
    await storage.completeCheckpoint(checkpoint);
    this.consecutiveFailures = 0;
    const stats: CheckpointStats = { checkpointId, durationMs: Date.now() - started, ...sizes };
    this.lastStats = stats;
    log.info({ job: jobId, checkpoint: checkpointId, final: true, ...stats }, `Completed final checkpoint ${checkpointId}`);
    this.spec.onCompleted?.(checkpoint, stats);
    await this.applyRetention();
    return checkpoint;
  }

  /**
   * Whether a checkpoint can be triggered now, and where: every task is running or has ended (with its
   * final state in), and one at least is running. Otherwise why not.
   */
  private plan(): { expected: Set<string>; finals: TaskCheckpointAck[]; trigger: TaskId[] } | string {
    const { graph, participants } = this.spec;
    const progress = new Map<string, TaskProgress>();
    const expected = new Set<string>();
    const finals: TaskCheckpointAck[] = [];
    for (const vertex of graph.vertices) {
      for (let subtask = 0; subtask < vertex.parallelism; subtask++) {
        const key = `${vertex.id}/${subtask}`;
        const state = participants.taskProgress(vertex.id, subtask);
        if (state === 'OTHER') return `${vertex.name} (${subtask + 1}/${vertex.parallelism}) is not running`;
        progress.set(key, state);
        if (state === 'RUNNING') {
          expected.add(key);
          continue;
        }
        const final = this.finalStates.get(key);
        if (final === undefined) return `the final state of ${vertex.name} (${subtask + 1}/${vertex.parallelism}) is not in yet`;
        finals.push(final);
      }
    }
    if (expected.size === 0) return ALL_ENDED;
    const trigger: TaskId[] = [];
    for (const vertex of graph.vertices) {
      const inputs = graph.edges.filter((e) => e.targetVertex === vertex.id);
      for (let subtask = 0; subtask < vertex.parallelism; subtask++) {
        if (progress.get(`${vertex.id}/${subtask}`) !== 'RUNNING') continue;
        const upstreamRunning = inputs.some((edge) => {
          if (edge.partitioner === 'forward') return progress.get(`${edge.sourceVertex}/${subtask}`) === 'RUNNING';
          const upstream = graph.vertices[edge.sourceVertex]!;
          for (let u = 0; u < upstream.parallelism; u++) if (progress.get(`${upstream.id}/${u}`) === 'RUNNING') return true;
          return false;
        });
        if (!upstreamRunning) trigger.push({ vertexId: vertex.id, subtaskIndex: subtask });
      }
    }
    return { expected, finals, trigger };
  }

  /** The checkpoint's metadata from the acknowledgements of running tasks and the ended tasks' final states, copied into it. */
  private async assemble(
    checkpointId: number,
    timestamp: number,
    savepoint: boolean,
    acks: readonly TaskCheckpointAck[],
    finals: readonly TaskCheckpointAck[],
  ): Promise<{ checkpoint: CompletedCheckpoint; sizes: { stateSize: number; maxSyncMs: number; maxAsyncMs: number } }> {
    const { jobId, storage } = this.spec;
    const operators: Record<string, { parallelism: number; maxParallelism: number; subtasks: Record<number, StateHandle> }> = {};
    const sizes = { stateSize: 0, maxSyncMs: 0, maxAsyncMs: 0 };
    const add = (ack: TaskCheckpointAck, uid: string, handle: StateHandle) => {
      const vertex = this.vertexOfUid.get(uid)!;
      operators[uid] ??= { parallelism: vertex.parallelism, maxParallelism: vertex.maxParallelism, subtasks: {} };
      operators[uid].subtasks[ack.subtaskIndex] = handle;
    };
    for (const ack of acks) {
      sizes.stateSize += ack.stateSize;
      sizes.maxSyncMs = Math.max(sizes.maxSyncMs, ack.syncMs);
      sizes.maxAsyncMs = Math.max(sizes.maxAsyncMs, ack.asyncMs);
      for (const [uid, handle] of Object.entries(ack.handles)) add(ack, uid, handle);
    }
    // Each checkpoint owns copies, so retention and discarding treat every checkpoint alike.
    await Promise.all(
      finals.flatMap((final) => {
        sizes.stateSize += final.stateSize;
        return Object.entries(final.handles).map(async ([uid, handle]) => add(final, uid, await storage.copyState(handle, jobId, checkpointId, `${uid}-${final.subtaskIndex}`)));
      }),
    );
    return { checkpoint: { jobId, checkpointId, timestamp, savepoint, operators: operators as Record<string, OperatorCheckpoint> }, sizes };
  }

  private abort(pending: PendingCheckpoint, reason: string, countsAsFailure: boolean): void {
    clearTimeout(pending.timeout);
    this.pending.delete(pending.checkpointId);
    this.lastCheckpointEndedAt = Date.now();
    const { jobId, storage, log } = this.spec;
    const failure = new CheckpointFailure(`${pending.savepoint ? 'Savepoint' : 'Checkpoint'} ${pending.checkpointId} of job ${jobId} was aborted: ${reason}`);
    // A failed stop-with-savepoint leaves the job running, with checkpoints as before.
    if (pending.terminate && !this.stopped) {
      this.stopping = false;
      this.schedule(this.spec.config.intervalMs);
    }
    log.warn({ job: jobId, checkpoint: pending.checkpointId }, failure.message);
    if (!this.stopped) this.spec.participants.notifyAborted(pending.checkpointId);
    storage.discardCheckpoint(jobId, pending.checkpointId).catch((error: Error) =>
      log.warn({ job: jobId, checkpoint: pending.checkpointId, err: error }, 'Could not delete the state of an aborted checkpoint'),
    );
    pending.reject(failure);
    this.spec.onAborted?.(failure);
    if (countsAsFailure && !pending.savepoint) this.countFailure(failure);
  }

  private countFailure(failure: CheckpointFailure): void {
    this.consecutiveFailures++;
    const tolerable = this.spec.config.tolerableFailures;
    if (this.consecutiveFailures > tolerable && !this.stopped) {
      void this.stop('too many checkpoint failures');
      this.spec.onTooManyFailures(
        new CheckpointFailure(
          `${this.consecutiveFailures} checkpoint${this.consecutiveFailures === 1 ? '' : 's'} in a row failed, more than the ${tolerable} the job tolerates (enableCheckpointing option tolerableFailures); the last: ${failure.message}`,
          failure,
        ),
      );
    }
  }

  /** Keeps the newest `retained` checkpoints; savepoints are never deleted here. */
  private async applyRetention(): Promise<void> {
    const { jobId, storage, log, config } = this.spec;
    try {
      const checkpoints = (await storage.listCheckpoints(jobId)).filter((c) => !c.savepoint);
      for (const old of checkpoints.slice(config.retained)) await storage.discardCheckpoint(jobId, old.checkpointId);
    } catch (error) {
      log.warn({ job: jobId, err: error }, 'Could not delete checkpoints beyond the retained number');
    }
  }
}
