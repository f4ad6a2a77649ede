/**
 * Runs a Sink's writer, two-phase. At every checkpoint barrier the writer hands over committables,
 * which go into the checkpoint and are committed once the checkpoint completes; at the end of a
 * bounded job the last committables are committed once the whole job has reached its end. A job that
 * fails commits nothing that no completed checkpoint covers; committables restored from a checkpoint
 * belong to completed checkpoints and are committed (again — commits are idempotent) before writing.
 */
import { END_OF_INPUT, type Committer, type Sink, type SinkWriter } from '@sage/core';
import type { OperatorSnapshotInProgress } from '../checkpoint/operator-snapshot.js';
import { NO_TIMESTAMP } from '../records/stream-elements.js';
import { FINAL_SNAPSHOT_ID, StreamOperator, type OperatorContext } from './stream-operator.js';

/** One element of a sink's operator state list: a committable not yet committed, or a piece of writer state. */
type SinkStateElement = { readonly committable: unknown } | { readonly writer: unknown };

export class SinkOperator extends StreamOperator {
  private writer!: SinkWriter<unknown, unknown>;
  private committer: Committer<unknown> | undefined;
  /** Committables by the checkpoint they belong to, until it completes; END_OF_INPUT ones under Infinity. */
  private readonly pending = new Map<number, unknown[]>();

  constructor(
    context: OperatorContext,
    private readonly sink: Sink<unknown, unknown>,
  ) {
    super(context);
  }

  override async open(): Promise<void> {
    const ctx = this.context;
    this.committer = this.sink.createCommitter?.();
    const restored = (ctx.restoredState?.operatorState ?? []) as SinkStateElement[];
    const committables = restored.flatMap((e) => ('committable' in e ? [e.committable] : []));
    if (this.committer && committables.length > 0) await this.committer.commit(committables);
    this.writer = this.sink.createWriter({
      jobName: ctx.jobName,
      jobId: ctx.jobId,
      subtaskIndex: ctx.subtaskIndex,
      parallelism: ctx.parallelism,
      attemptNumber: ctx.attemptNumber,
      restoredState: ctx.restoredState?.operatorState === undefined ? undefined : restored.flatMap((e) => ('writer' in e ? [e.writer] : [])),
    });
  }

  processElement(value: unknown, timestamp: number): void {
    this.context.metrics.recordsWritten++;
    this.writer.write(value, timestamp === NO_TIMESTAMP ? undefined : timestamp);
  }

  override isAvailable(): boolean {
    return this.writer.isAvailable === undefined || this.writer.isAvailable();
  }

  override whenAvailable(): Promise<void> {
    return this.writer.whenAvailable?.() ?? Promise.resolve();
  }

  override async snapshotState(checkpointId: number): Promise<OperatorSnapshotInProgress> {
    // The final snapshot follows finish(), which already prepared the END_OF_INPUT committables.
    if (checkpointId !== FINAL_SNAPSHOT_ID) {
      const committables = await this.writer.prepareCommit(checkpointId);
      if (committables.length > 0) this.pending.set(checkpointId, committables);
    }
    const state: SinkStateElement[] = [];
    // Pending committables of earlier, aborted checkpoints ride along: this checkpoint commits them too.
    for (const list of this.pending.values()) for (const committable of list) state.push({ committable });
    for (const writer of this.writer.snapshotState?.(checkpointId) ?? []) state.push({ writer });
    return { operatorState: state };
  }

  override async notifyCheckpointComplete(checkpointId: number): Promise<void> {
    const ready: unknown[] = [];
    for (const [id, list] of this.pending) {
      if (id > checkpointId) continue;
      ready.push(...list);
      this.pending.delete(id);
    }
    if (this.committer && ready.length > 0) await this.committer.commit(ready);
  }

  override async finish(): Promise<void> {
    const committables = await this.writer.prepareCommit(END_OF_INPUT);
    if (committables.length > 0) this.pending.set(Number.POSITIVE_INFINITY, committables);
  }

  /** True when this sink has something to commit once the job has finished. */
  override get hasFinalCommit(): boolean {
    return this.committer !== undefined && this.pending.size > 0;
  }

  /** The job reached its end: everything still pending, the end-of-input committables included, is committed. */
  override async commitFinal(): Promise<void> {
    await this.notifyCheckpointComplete(Number.POSITIVE_INFINITY);
  }

  override async close(): Promise<void> {
    await this.writer?.close();
  }
}
