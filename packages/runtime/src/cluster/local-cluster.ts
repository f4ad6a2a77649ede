/**
 * Runs a whole JobGraph in this process: one Task per subtask, connected by bounded in-process
 * channels with exactly the partitioning a cluster uses, so a job gives the same results here as on
 * TaskManagers. A job with checkpointing gets a CheckpointCoordinator over a CheckpointStorage (the
 * file system unless told otherwise) and restarts from its latest completed checkpoint after a
 * failure, as its restart strategy allows. Used by `sage run --local` and by tests.
 */
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  defaultRestartStrategy,
  resolveCheckpointConfig,
  SageError,
  type JobEdgeDescriptor,
  type JobGraph,
  type ResolvedCheckpointConfig,
} from '@sage/core';
import { CheckpointCoordinator, type CheckpointStats, type CoordinatorLog } from '../checkpoint/checkpoint-coordinator.js';
import { finalStateNamespace, type CheckpointStorage, type CompletedCheckpoint } from '../checkpoint/checkpoint-storage.js';
import { FileCheckpointStorage } from '../checkpoint/file-checkpoint-storage.js';
import { selectRestoreCheckpoint } from '../checkpoint/restore-selection.js';
import { checkRestoreCompatibility } from '../checkpoint/state-assignment.js';
import type { TaskRestore } from '../checkpoint/task-restore.js';
import { RestartBackoff } from '../failover/restart-backoff.js';
import { LocalChannel } from '../network/channel.js';
import { InputGate } from '../network/input-gate.js';
import { createRecordWriter, type RecordWriter } from '../network/record-writer.js';
import { Task, TaskFailure, type TaskCheckpointAck, type TaskCheckpointing } from '../tasks/task.js';

export interface LocalClusterOptions {
  /** Records per batch between tasks. */
  readonly batchSize?: number;
  /** Batches a channel holds before its producer waits. */
  readonly channelCapacity?: number;
  /**
   * Longest time a partial batch waits while its task stays busy, as on a TaskManager; 0 sends
   * batches only when full or when the task waits.
   * @default 100
   */
  readonly bufferTimeoutMs?: number;
}

export interface ExecuteOptions {
  /** Names the job in checkpoint storage; random when not given. */
  readonly jobId?: string;
  /** Where checkpoints go; a directory under the system's temp directory when not given. */
  readonly checkpointStorage?: CheckpointStorage;
  /** A checkpoint or savepoint to start from. */
  readonly restoreFrom?: CompletedCheckpoint;
  /** Start even when `restoreFrom` has state for operator uids the job no longer has (that state is dropped). */
  readonly allowNonRestoredState?: boolean;
  readonly log?: CoordinatorLog;
}

export type JobState = 'RUNNING' | 'RESTARTING' | 'FINISHED' | 'FAILED' | 'CANCELED';

export interface VertexProgress {
  readonly id: number;
  readonly name: string;
  readonly parallelism: number;
  readonly recordsIn: number;
  readonly recordsOut: number;
}

export interface JobResult {
  readonly jobName: string;
  readonly state: Exclude<JobState, 'RUNNING' | 'RESTARTING'>;
  readonly durationMs: number;
  /** Why the job failed: the last task failure, or a job-level error (checkpoints, restore). */
  readonly failure: TaskFailure | SageError | undefined;
  readonly vertices: readonly VertexProgress[];
  readonly restarts: number;
}

const SILENT_LOG: CoordinatorLog = { info() {}, warn() {} };

export class LocalCluster {
  private readonly batchSize: number;
  private readonly channelCapacity: number;
  private readonly bufferTimeoutMs: number;

  constructor(options: LocalClusterOptions = {}) {
    this.batchSize = options.batchSize ?? 1024;
    this.channelCapacity = options.channelCapacity ?? 4;
    this.bufferTimeoutMs = options.bufferTimeoutMs ?? 100;
  }

  /** Starts the job; await `execution.result` for its outcome. */
  execute(jobGraph: JobGraph, options: ExecuteOptions = {}): JobExecution {
    if (options.restoreFrom) checkRestoreCompatibility(options.restoreFrom, jobGraph.descriptor, options.allowNonRestoredState ?? false);
    return new JobExecution(jobGraph, options, (jobId, attempt, restore, checkpointing, jobEnd) =>
      this.createTasks(jobGraph, jobId, attempt, restore, checkpointing, jobEnd),
    );
  }

  private createTasks(
    jobGraph: JobGraph,
    jobId: string,
    attempt: number,
    restore: TaskRestore | undefined,
    checkpointing: TaskCheckpointing | undefined,
    jobEnd: JobEndBarrier,
  ): Task[] {
    const channels = new Map<number, LocalChannel[][]>();
    for (const edge of jobGraph.edges) channels.set(edge.id, this.channelsFor(jobGraph, edge));
    const tasks: Task[] = [];
    for (const vertex of jobGraph.vertices) {
      const inputs = jobGraph.inputsOf(vertex.id);
      const outputs = jobGraph.outputsOf(vertex.id);
      for (let subtask = 0; subtask < vertex.parallelism; subtask++) {
        const gateChannels = inputs.flatMap((edge) =>
          channels.get(edge.id)!.flatMap((row) => (row[subtask] ? [row[subtask]!] : [])),
        );
        const gateEdges = inputs.flatMap((edge) => channels.get(edge.id)!.flatMap((row) => (row[subtask] ? [edge.id] : [])));
        const writers = new Map<number, RecordWriter>();
        for (const edge of outputs) {
          const row = channels.get(edge.id)![subtask]!;
          writers.set(
            edge.id,
            createRecordWriter({
              partitioner: edge.partitioner,
              channels: edge.partitioner === 'forward' ? [row[subtask]!] : row,
              batchSize: this.batchSize,
              subtaskIndex: subtask,
              keySelector: jobGraph.inputKeySelector(edge),
              keyedOperatorName: jobGraph.node(edge.targetOperator).name,
              maxParallelism: jobGraph.vertex(edge.targetVertex).maxParallelism,
            }),
          );
        }
        tasks.push(
          new Task({
            jobGraph,
            jobId,
            vertexId: vertex.id,
            subtaskIndex: subtask,
            attemptNumber: attempt,
            inputGate: inputs.length > 0 ? new InputGate(gateChannels, gateEdges) : null,
            writers,
            bufferTimeoutMs: this.bufferTimeoutMs,
            awaitJobEnd: () => jobEnd.reached,
            ...(checkpointing ? { checkpointing } : {}),
            ...(restore ? { restore } : {}),
          }),
        );
      }
    }
    return tasks;
  }

  /** channels[upstream subtask][downstream subtask]; forward edges only have the diagonal. */
  private channelsFor(jobGraph: JobGraph, edge: JobEdgeDescriptor): LocalChannel[][] {
    const upstream = jobGraph.vertex(edge.sourceVertex).parallelism;
    const downstream = jobGraph.vertex(edge.targetVertex).parallelism;
    return Array.from({ length: upstream }, (_, i) => {
      const row: LocalChannel[] = [];
      for (let j = 0; j < downstream; j++) {
        if (edge.partitioner !== 'forward' || i === j) row[j] = new LocalChannel(this.channelCapacity);
      }
      return row;
    });
  }
}

type TaskFactory = (
  jobId: string,
  attempt: number,
  restore: TaskRestore | undefined,
  checkpointing: TaskCheckpointing | undefined,
  jobEnd: JobEndBarrier,
) => Task[];

export class JobExecution {
  readonly result: Promise<JobResult>;
  readonly startedAt = Date.now();
  readonly jobId: string;
  private state: JobState = 'RUNNING';
  private currentTasks: Task[] = [];
  private jobEnd: JobEndBarrier | undefined;
  private coordinator: CheckpointCoordinator | undefined;
  private readonly checkpointConfig: ResolvedCheckpointConfig | undefined;
  private readonly storage: CheckpointStorage | undefined;
  private readonly backoff: RestartBackoff;
  private readonly log: CoordinatorLog;
  private readonly completedListeners: ((checkpoint: CompletedCheckpoint, stats: CheckpointStats) => void)[] = [];
  private wakeFromDelay: (() => void) | undefined;
  private attemptFailure: TaskFailure | SageError | undefined;
  private cancelAttempt: (() => void) | undefined;
  /** Stop-with-savepoint: the tasks are cancelled after the savepoint's commits, and the job ends FINISHED. */
  private stoppedAfterSavepoint = false;

  constructor(
    readonly jobGraph: JobGraph,
    private readonly options: ExecuteOptions,
    private readonly createTasks: TaskFactory,
  ) {
    this.jobId = options.jobId ?? randomBytes(16).toString('hex');
    this.log = options.log ?? SILENT_LOG;
    const execution = jobGraph.descriptor.execution;
    this.checkpointConfig = execution.checkpointing ? resolveCheckpointConfig(execution.checkpointing) : undefined;
    this.storage =
      options.checkpointStorage ?? (this.checkpointConfig || options.restoreFrom ? new FileCheckpointStorage(join(tmpdir(), 'sage-checkpoints')) : undefined);
    this.backoff = new RestartBackoff(execution.restartStrategy ?? defaultRestartStrategy(this.checkpointConfig !== undefined));
    this.result = this.run();
  }

  get jobState(): JobState {
    return this.state;
  }

  /** The tasks of the current attempt. */
  get tasks(): readonly Task[] {
    return this.currentTasks;
  }

  get restarts(): number {
    return this.backoff.restartCount;
  }

  /** Called after every completed checkpoint or savepoint. */
  onCheckpointCompleted(listener: (checkpoint: CompletedCheckpoint, stats: CheckpointStats) => void): void {
    this.completedListeners.push(listener);
  }

  cancel(): void {
    if (this.state === 'RUNNING' || this.state === 'RESTARTING') this.state = 'CANCELED';
    this.wakeFromDelay?.();
    this.cancelAttempt?.();
  }

  /** Takes a savepoint now; resolves when it is complete. */
  triggerSavepoint(): Promise<CompletedCheckpoint> {
    if (this.coordinator === undefined) {
      return Promise.reject(new SageError('SavepointUnavailable', 'This job runs without checkpointing: call env.enableCheckpointing(ms) to take savepoints'));
    }
    return this.coordinator.triggerSavepoint();
  }

  /**
   * Stop-with-savepoint: takes a savepoint, lets the sinks commit what it covers, then stops the tasks,
   * so that the job's committed output ends exactly at the savepoint and a job resumed from it
   * continues without a gap or an overlap. The job ends FINISHED, as Flink reports it.
   */
  async stopWithSavepoint(): Promise<CompletedCheckpoint> {
    if (this.coordinator === undefined) {
      throw new SageError('SavepointUnavailable', 'This job runs without checkpointing: call env.enableCheckpointing(ms) to take savepoints');
    }
    const savepoint = await this.coordinator.triggerSavepoint({ terminate: true });
    this.stoppedAfterSavepoint = true;
    this.cancel();
    await this.result;
    return savepoint;
  }

  /** Records in and out per vertex, summed over the subtasks of the current attempt. */
  progress(): VertexProgress[] {
    return this.jobGraph.vertices.map((vertex) => {
      let recordsIn = 0;
      let recordsOut = 0;
      for (const task of this.currentTasks) {
        if (task.vertexId !== vertex.id) continue;
        recordsIn += task.metrics.recordsIn;
        recordsOut += task.metrics.recordsOut;
      }
      return { id: vertex.id, name: vertex.name, parallelism: vertex.parallelism, recordsIn, recordsOut };
    });
  }

  private async run(): Promise<JobResult> {
    let restore: CompletedCheckpoint | undefined = this.options.restoreFrom;
    for (let attempt = 0; ; attempt++) {
      this.attemptFailure = undefined;
      await this.runAttempt(attempt, restore);
      // Read through methods: both change while the attempt runs, which TypeScript's narrowing cannot see.
      if (this.isCanceled()) return this.finish(this.stoppedAfterSavepoint ? 'FINISHED' : 'CANCELED');
      const failure = this.currentFailure();
      if (failure === undefined) return this.finish('FINISHED');
      const delay = this.backoff.onFailure();
      if (delay === null) {
        if (this.backoff.restartCount > 0) {
          this.log.warn({ job: this.jobId }, `Job ${this.jobId} will not restart again: ${this.backoff.describeExhausted()}`);
        }
        return this.finish('FAILED');
      }
      this.state = 'RESTARTING';
      this.log.warn({ job: this.jobId, delayMs: delay, cause: failure.message }, `Job ${this.jobId} failed; restarting in ${delay} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, delay);
        this.wakeFromDelay = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wakeFromDelay = undefined;
      if (this.isCanceled()) return this.finish('CANCELED');
      this.state = 'RUNNING';
      if (this.storage !== undefined) {
        try {
          const choice = await selectRestoreCheckpoint(this.storage, this.jobId, this.log, this.checkpointConfig?.onCorruptCheckpoint);
          restore = choice.checkpoint ?? this.options.restoreFrom;
        } catch (error) {
          this.attemptFailure = error as SageError;
          return this.finish('FAILED');
        }
      }
    }
  }

  private async runAttempt(attempt: number, restoreFrom: CompletedCheckpoint | undefined): Promise<void> {
    const jobEnd = new JobEndBarrier();
    this.jobEnd = jobEnd;
    const coordinator = this.checkpointConfig && this.storage ? this.createCoordinator(this.checkpointConfig, this.storage) : undefined;
    const checkpointing: TaskCheckpointing | undefined =
      coordinator || restoreFrom
        ? {
            jobId: this.jobId,
            mode: this.checkpointConfig?.mode ?? 'exactly-once',
            storage: this.storage!,
            responder: {
              acknowledge: (ack) => coordinator?.acknowledge(ack),
              decline: (id, vertex, subtask, reason) => coordinator?.decline(id, vertex, subtask, reason),
              ...(coordinator ? { reportFinalState: async (ack: TaskCheckpointAck) => coordinator.acknowledge(ack) } : {}),
            },
          }
        : undefined;
    const restore = restoreFrom ? { checkpointId: restoreFrom.checkpointId, operators: restoreFrom.operators } : undefined;
    const tasks = this.createTasks(this.jobId, attempt, restore, checkpointing, jobEnd);
    this.currentTasks = tasks;
    this.coordinator = coordinator;
    const cancelAll = () => {
      jobEnd.resolve(false);
      for (const task of tasks) task.cancel();
    };
    this.cancelAttempt = cancelAll;
    if (this.state === 'CANCELED') cancelAll();
    let endReached = false;
    for (const task of tasks) {
      task.onStateChange((t) => {
        if (t.state === 'FINISHING' || t.state === 'FINISHED') coordinator?.taskEnded(t.vertexId, t.subtaskIndex);
        if (endReached || !tasks.every((other) => other.state === 'FINISHING' || other.state === 'FINISHED')) return;
        endReached = true;
        if (coordinator === undefined || !tasks.some((other) => other.state === 'FINISHING')) {
          jobEnd.resolve(true);
          return;
        }
        // The end-of-input commit comes after the final checkpoint, which a failure would restore.
        coordinator.completeFinalCheckpoint().then(
          () => jobEnd.resolve(true),
          (error: Error) => {
            if (this.attemptFailure === undefined) {
              this.attemptFailure = new SageError('FinalCheckpointFailed', `The final checkpoint of job ${this.jobId} failed: ${error.message}`, { cause: error });
              cancelAll();
            }
          },
        );
      });
    }
    coordinator?.start();
    await Promise.all(
      tasks.map((task) =>
        task.run().catch((error: TaskFailure) => {
          if (this.attemptFailure === undefined) {
            this.attemptFailure = error;
            cancelAll();
          }
        }),
      ),
    );
    // A checkpoint that completes while the attempt ends is waited for: the restart must see it.
    await coordinator?.stop();
    this.cancelAttempt = undefined;
    if (coordinator && this.storage) {
      // The final states of this attempt: the checkpoints that took them hold copies.
      await this.storage.discardCheckpoint(this.jobId, finalStateNamespace(attempt)).catch((error: Error) =>
        this.log.warn({ job: this.jobId, err: error }, 'Could not delete the final states of a job attempt'),
      );
    }
  }

  private createCoordinator(config: ResolvedCheckpointConfig, storage: CheckpointStorage): CheckpointCoordinator {
    const tasks = () => this.currentTasks;
    const coordinator: CheckpointCoordinator = new CheckpointCoordinator({
      jobId: this.jobId,
      graph: this.jobGraph.descriptor,
      config,
      storage,
      log: this.log,
      restoredSavepointId: this.options.restoreFrom?.checkpointId,
      participants: {
        taskProgress: (vertexId, subtaskIndex) => {
          const task = tasks().find((t) => t.vertexId === vertexId && t.subtaskIndex === subtaskIndex);
          if (this.state !== 'RUNNING' || task === undefined) return 'OTHER';
          return task.state === 'RUNNING' ? 'RUNNING' : task.state === 'FINISHING' || task.state === 'FINISHED' ? 'ENDED' : 'OTHER';
        },
        triggerTasks: (id, timestamp, targets) => {
          for (const target of targets) {
            tasks().find((t) => t.vertexId === target.vertexId && t.subtaskIndex === target.subtaskIndex)?.triggerCheckpoint(id, timestamp);
          }
        },
        notifyComplete: async (id) => {
          await Promise.all(tasks().map((task) => task.notifyCheckpointComplete(id)));
        },
        notifyAborted: (id) => {
          for (const task of tasks()) task.notifyCheckpointAborted(id);
        },
      },
      onTooManyFailures: (cause) => {
        if (this.attemptFailure === undefined) {
          this.attemptFailure = cause;
          this.cancelAttempt?.();
        }
      },
      onCompleted: (checkpoint, stats) => {
        for (const listener of this.completedListeners) listener(checkpoint, stats);
      },
    });
    return coordinator;
  }

  private isCanceled(): boolean {
    return this.state === 'CANCELED';
  }

  private currentFailure(): TaskFailure | SageError | undefined {
    return this.attemptFailure;
  }

  private finish(state: Exclude<JobState, 'RUNNING' | 'RESTARTING'>): JobResult {
    this.state = state;
    return {
      jobName: this.jobGraph.name,
      state,
      durationMs: Date.now() - this.startedAt,
      failure: state === 'FAILED' ? this.attemptFailure : undefined,
      vertices: this.progress(),
      restarts: this.backoff.restartCount,
    };
  }
}

/** Resolves true when every task of the attempt has reached the end of its input, false if it never will. */
export class JobEndBarrier {
  readonly reached: Promise<boolean>;
  resolve!: (value: boolean) => void;

  constructor() {
    this.reached = new Promise((resolve) => (this.resolve = resolve));
  }
}
