/**
 * Operators are the steps of a chain. A record enters with processElement(value, timestamp) and leaves
 * through `output`, by plain synchronous calls: no promise per record, so a chain of operators costs
 * a few function calls per record. Async work happens in open/finish/close only.
 */
import type { KeySelector } from '@sage/core';
import type { HeapKeyedStateBackend } from '../state/heap-keyed-state-backend.js';
import type { TaskMetrics } from '../metrics/task-metrics.js';
import { IllegalOperatorUsage } from '@sage/core';
import { Output } from './output.js';
import { InternalTimerService, type Triggerable } from '../time/internal-timer-service.js';
import type { ProcessingTimeService } from '../time/processing-time-service.js';
import type { OperatorSnapshotInProgress } from '../checkpoint/operator-snapshot.js';
import type { RestoredOperatorState } from '../checkpoint/task-restore.js';

/** Anything a chain can feed a record into: an operator, or a RecordWriter to the network. */
export interface Input {
  processElement(value: unknown, timestamp: number): void;
  /** Event time reached `watermark`: no record with a lower or equal timestamp follows. */
  processWatermark(watermark: number): void;
  /** The input stopped (idle) or started again taking part in event time. */
  processWatermarkStatus(idle: boolean): void;
}

export interface OperatorContext {
  readonly jobName: string;
  readonly jobId: string;
  readonly operatorName: string;
  readonly operatorUid: string;
  readonly subtaskIndex: number;
  readonly parallelism: number;
  readonly maxParallelism: number;
  readonly attemptNumber: number;
  /** Present when the operator runs after keyBy. */
  readonly keySelector: KeySelector<unknown, unknown> | null;
  /** Keyed two-input operators: the key of a second-input record. */
  readonly keySelector2?: KeySelector<unknown, unknown> | null;
  readonly keyedBackend: HeapKeyedStateBackend | null;
  readonly metrics: TaskMetrics;
  /** The clock and processing-time timers, which fire in the task's mailbox. */
  readonly processingTime: ProcessingTimeService;
  /** See ExecutionConfig.setAutoWatermarkInterval. */
  readonly autoWatermarkIntervalMs: number;
  /** This subtask's share of the operator's state in the checkpoint the task restores from, if any. */
  readonly restoredState: RestoredOperatorState | undefined;
}

/**
 * The checkpoint id of a task's final snapshot, taken once after the end of its input and finish()
 * (FLIP-147): it stands for every checkpoint that completes after the task ended.
 */
export const FINAL_SNAPSHOT_ID = Number.POSITIVE_INFINITY;

export abstract class StreamOperator implements Input {
  output: Output = Output.NONE;
  protected readonly keySelector: KeySelector<unknown, unknown> | null;
  protected readonly backend: HeapKeyedStateBackend | null;
  /** The last watermark this operator received. */
  currentWatermark = Number.NEGATIVE_INFINITY;
  private readonly timerServices: InternalTimerService[] = [];

  constructor(readonly context: OperatorContext) {
    this.keySelector = context.keySelector;
    this.backend = context.keyedBackend;
  }

  abstract processElement(value: unknown, timestamp: number): void;

  /** Fires the event-time timers the watermark passes, then forwards it: what they emit comes before it. */
  processWatermark(watermark: number): void {
    this.currentWatermark = watermark;
    const services = this.timerServices;
    for (let i = 0; i < services.length; i++) services[i]!.advanceWatermark(watermark);
    this.output.emitWatermark(watermark);
  }

  processWatermarkStatus(idle: boolean): void {
    this.output.emitWatermarkStatus(idle);
  }

  /**
   * The operator's timers named `name` (a keyed operator may keep several services apart); timers
   * of a restored checkpoint come back with its keyed state. Create services in open().
   */
  protected getInternalTimerService(name: string, triggerable: Triggerable): InternalTimerService {
    if (this.backend === null) {
      throw new IllegalOperatorUsage(`Operator '${this.context.operatorName}' uses timers, but its input is not keyed: timers need keyBy(...) before the operator`);
    }
    const service = new InternalTimerService(name, this.backend, this.context.processingTime, triggerable);
    this.timerServices.push(service);
    return service;
  }

  async open(): Promise<void> {}

  /** End of input: emit or flush what is held back. Called head first, so what it emits still flows down the chain. */
  async finish(): Promise<void> {}

  async close(): Promise<void> {}

  /**
   * The operator's state at a checkpoint barrier, captured in the task's mailbox between two records.
   * Keyed operators return their key groups, still to serialize (the task does that while records
   * flow); operators with operator state override this.
   */
  async snapshotState(_checkpointId: number): Promise<OperatorSnapshotInProgress | undefined> {
    return this.backend === null ? undefined : { keyed: this.backend.beginSnapshot() };
  }

  /** Checkpoint `checkpointId` is complete on every task: transactional work up to it may be committed. */
  async notifyCheckpointComplete(_checkpointId: number): Promise<void> {}

  /** False while the operator can take no more records (a sink writer's buffer is full): the task waits for whenAvailable(). */
  isAvailable(): boolean {
    return true;
  }

  whenAvailable(): Promise<void> {
    return Promise.resolve();
  }

  /** True when the operator prepared results at the end of input that wait for the job-wide commit (sinks). */
  get hasFinalCommit(): boolean {
    return false;
  }

  /** The whole job has reached its end: commit what waited for it. */
  async commitFinal(): Promise<void> {}

  /** For operators after keyBy: scopes keyed state to this record's key. */
  protected setKeyOf(value: unknown): void {
    this.backend!.setCurrentKey(this.keySelector!(value));
  }
}
