/**
 * Runs a Sink's writer. At the end of input it asks the writer for its committables, and commits them
 * once the whole job has reached its end: the same two steps a checkpoint takes (prepare at the
 * barrier, commit when the checkpoint is complete), so a job that fails anywhere commits nothing.
 */
import { END_OF_INPUT, type Committer, type Sink, type SinkWriter } from '@sage/core';
import { NO_TIMESTAMP } from '../records/stream-elements.js';
import { StreamOperator, type OperatorContext } from './stream-operator.js';

export class SinkOperator extends StreamOperator {
  private writer!: SinkWriter<unknown, unknown>;
  private committer: Committer<unknown> | undefined;
  /** Prepared at the end of input, committed when the whole job has reached its end. */
  private finalCommittables: unknown[] = [];

  constructor(
    context: OperatorContext,
    private readonly sink: Sink<unknown, unknown>,
  ) {
    super(context);
  }

  override async open(): Promise<void> {
    const ctx = this.context;
    this.writer = this.sink.createWriter({
      jobName: ctx.jobName,
      subtaskIndex: ctx.subtaskIndex,
      parallelism: ctx.parallelism,
      attemptNumber: ctx.attemptNumber,
      restoredState: undefined,
    });
    this.committer = this.sink.createCommitter?.();
  }

  processElement(value: unknown, timestamp: number): void {
    this.context.metrics.recordsWritten++;
    this.writer.write(value, timestamp === NO_TIMESTAMP ? undefined : timestamp);
  }

  isAvailable(): boolean {
    return this.writer.isAvailable === undefined || this.writer.isAvailable();
  }

  whenAvailable(): Promise<void> {
    return this.writer.whenAvailable?.() ?? Promise.resolve();
  }

  override async finish(): Promise<void> {
    this.finalCommittables = await this.writer.prepareCommit(END_OF_INPUT);
  }

  /** True when this sink has something to commit once the job has finished. */
  get hasFinalCommit(): boolean {
    return this.committer !== undefined && this.finalCommittables.length > 0;
  }

  async commitFinal(): Promise<void> {
    const committables = this.finalCommittables;
    this.finalCommittables = [];
    if (this.committer && committables.length > 0) await this.committer.commit(committables);
  }

  override async close(): Promise<void> {
    await this.writer?.close();
  }
}
