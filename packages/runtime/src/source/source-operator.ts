/**
 * Runs a Source as the head operator of its chain (Flink's FLIP-27 SourceOperator): it creates and
 * starts the subtask's reader in open(), and the task's SourceInput calls pollNext() between mails.
 * The reader's split positions are this operator's state (restored per subtask, or as a union when
 * the source asks); checkpoint completion reaches the reader; close() closes it, on failure too.
 * Event time lives here: timestamps and per-split watermarks from the node's WatermarkStrategy (see
 * SourceReaderOutput), and the final +Infinity watermark once the reader has reached its end.
 */
import { IllegalOperatorUsage, WatermarkStrategy, type InputStatus, type Source, type SourceReader } from '@sage/core';
import type { OperatorSnapshotInProgress } from '../checkpoint/operator-snapshot.js';
import { StreamOperator, type OperatorContext } from '../operators/stream-operator.js';
import type { ScheduledTimer } from '../time/processing-time-service.js';
import { SourceReaderOutput, SourceWatermarkOutput } from './source-outputs.js';

export class SourceOperator extends StreamOperator {
  private reader: SourceReader<unknown, unknown> | undefined;
  private readonly strategy: WatermarkStrategy<unknown>;
  private readonly watermarks: SourceWatermarkOutput;
  private readerOutput!: SourceReaderOutput;
  private periodic: ScheduledTimer | undefined;

  constructor(
    context: OperatorContext,
    private readonly source: Source<unknown, unknown>,
    /** Undefined: records keep the reader's timestamps, and no watermark is made until the end. */
    strategy: WatermarkStrategy<unknown> | undefined,
  ) {
    super(context);
    this.strategy = strategy ?? WatermarkStrategy.noWatermarks();
    this.watermarks = new SourceWatermarkOutput(this);
  }

  override async open(): Promise<void> {
    const ctx = this.context;
    const clock = ctx.processingTime;
    this.readerOutput = new SourceReaderOutput(this, ctx.metrics, this.strategy, { currentProcessingTime: () => clock.getCurrentProcessingTime() }, this.watermarks);
    const reader = this.source.createReader({
      jobName: ctx.jobName,
      jobId: ctx.jobId,
      subtaskIndex: ctx.subtaskIndex,
      parallelism: ctx.parallelism,
      attemptNumber: ctx.attemptNumber,
      restoredState: ctx.restoredState?.operatorState,
    });
    try {
      await reader.start();
    } catch (error) {
      // A reader that failed to start is not this operator's to close later: its connections would leak at every restart.
      await reader.close().catch(() => {});
      throw error;
    }
    this.reader = reader;
    if (this.strategy.emitsWatermarks && ctx.autoWatermarkIntervalMs > 0) this.schedulePeriodicEmit();
  }

  /** One poll of the reader; at its end, the end of event time, so every window and timer downstream fires. */
  pollNext(): InputStatus {
    const status = this.reader!.pollNext(this.readerOutput);
    if (status === 'end') this.watermarks.emitWatermark(Number.POSITIVE_INFINITY);
    return status;
  }

  /** Resolves when pollNext has something again after it answered `nothing`. */
  whenReaderAvailable(): Promise<void> {
    return this.reader!.isAvailable();
  }

  processElement(): void {
    throw new IllegalOperatorUsage(`Source '${this.context.operatorName}' has no input: records enter it from its reader`);
  }

  override async snapshotState(checkpointId: number): Promise<OperatorSnapshotInProgress> {
    return { operatorState: this.reader!.snapshotState(checkpointId) };
  }

  override async notifyCheckpointComplete(checkpointId: number): Promise<void> {
    await this.reader?.notifyCheckpointComplete?.(checkpointId);
  }

  override async close(): Promise<void> {
    this.periodic?.cancel();
    const reader = this.reader;
    this.reader = undefined;
    await reader?.close();
  }

  private schedulePeriodicEmit(): void {
    const clock = this.context.processingTime;
    this.periodic = clock.registerTimer(clock.getCurrentProcessingTime() + this.context.autoWatermarkIntervalMs, this.onPeriodicEmit);
  }

  private readonly onPeriodicEmit = (): void => {
    this.readerOutput.emitPeriodicWatermark();
    this.schedulePeriodicEmit();
  };
}
