/**
 * What a task's loop pulls from: its source operator's reader for source vertices, the InputGate for
 * all others. processInput() handles one unit (one poll of the reader, one buffer or event from the
 * gate) with plain calls and says whether there is more. A unit ends early once the task's time slice
 * is spent (SliceCheck), so the loop flushes on the buffer timeout and yields whatever a record costs:
 * the reader is told through collect()'s answer, a network batch is taken up again where it stopped.
 */
import type { InputGate } from '../network/input-gate.js';
import type { TaskMetrics } from '../metrics/task-metrics.js';
import type { Input } from '../operators/stream-operator.js';
import { CheckpointBarrier, EndOfPartition, RecordBatch, Watermark, WatermarkStatus } from '../records/stream-elements.js';
import { StatusWatermarkValve } from '../time/status-watermark-valve.js';
import type { BarrierAligner } from '../checkpoint/barrier-aligner.js';
import type { SourceOperator } from '../source/source-operator.js';
import { SliceCheck } from './event-loop-fairness.js';
import type { Signal } from './signal.js';

export type InputStatus = 'more' | 'nothing' | 'end';

export interface TaskInput {
  processInput(): InputStatus;
  /** Notifies `signal` when processInput may have something again. */
  notifyWhenAvailable(signal: Signal): void;
  /**
   * The CheckpointCoordinator triggered a checkpoint at this task (run in the mailbox): the barrier to
   * snapshot at now, or undefined while it waits for records still in the input's channels.
   */
  startCheckpoint(barrier: CheckpointBarrier): CheckpointBarrier | undefined;
  /** A checkpoint was aborted: the input stops waiting for its barriers. */
  abortCheckpoint(checkpointId: number): void;
}

/** A source vertex's input: polls of its SourceOperator's reader, where checkpoints start. */
export class SourceInput implements TaskInput {
  constructor(private readonly source: SourceOperator) {}

  processInput(): InputStatus {
    return this.source.pollNext();
  }

  notifyWhenAvailable(signal: Signal): void {
    this.source.whenReaderAvailable().then(
      () => signal.notify(),
      () => signal.notify(),
    );
  }

  /** Between two polls of the reader: the snapshot is taken at once. */
  startCheckpoint(barrier: CheckpointBarrier): CheckpointBarrier {
    return barrier;
  }

  abortCheckpoint(): void {}
}

export class NetworkInput implements TaskInput {
  private readonly slice = new SliceCheck();
  /** A batch the last step stopped in the middle of, and where it stopped: it goes on before any poll. */
  private partial: RecordBatch | undefined = undefined;
  private partialFrom = 0;
  private readonly valve: StatusWatermarkValve;

  constructor(
    private readonly gate: InputGate,
    private readonly chain: Input,
    private readonly metrics: TaskMetrics,
    /** Present when the job takes checkpoints. */
    private readonly aligner: BarrierAligner | undefined,
    /** Called once a checkpoint's barriers are aligned; the task snapshots before its next input. */
    private readonly onAligned: ((barrier: CheckpointBarrier) => void) | undefined,
  ) {
    this.valve = new StatusWatermarkValve(gate.size, chain);
  }

  processInput(): InputStatus {
    const partial = this.partial;
    if (partial !== undefined) {
      this.partial = undefined;
      this.processBatch(partial, this.partialFrom);
      return 'more';
    }
    const element = this.gate.poll();
    if (element === undefined) return 'nothing';
    if (element instanceof RecordBatch) {
      this.processBatch(element, 0);
      return 'more';
    }
    if (element instanceof CheckpointBarrier) {
      const aligned = this.aligner?.onBarrier(this.gate.lastChannel, element);
      if (aligned) this.onAligned!(aligned);
      return 'more';
    }
    if (element instanceof Watermark) {
      this.valve.inputWatermark(element.timestamp, this.gate.lastChannel);
      return 'more';
    }
    if (element instanceof WatermarkStatus) {
      this.valve.inputStatus(element.idle, this.gate.lastChannel);
      return 'more';
    }
    if (element instanceof EndOfPartition) {
      this.valve.channelEnded(this.gate.lastChannel);
      const ended = this.gate.markEnded(this.gate.lastChannel);
      const aligned = this.aligner?.onEndOfPartition();
      if (aligned) this.onAligned!(aligned);
      return ended ? 'end' : 'more';
    }
    return 'more';
  }

  /**
   * Records `from`… of the batch, until the time slice is spent. A polled batch belongs to this task
   * (channels hand over a new one each time), and the gate is not polled again until it is done, so
   * the barriers and other events behind it keep their place.
   */
  private processBatch(batch: RecordBatch, from: number): void {
    const values = batch.values;
    const timestamps = batch.timestamps;
    const chain = this.chain;
    const slice = this.slice;
    const end = values.length;
    let i = from;
    while (i < end) {
      // A plain loop up to the next clock read, as fast as one without checks.
      const start = i;
      const stop = Math.min(end, i + slice.countdown);
      for (; i < stop; i++) chain.processElement(values[i], timestamps[i]!);
      if (slice.recordsDone(i - start) && i < end) {
        this.partial = batch;
        this.partialFrom = i;
        break;
      }
    }
    this.metrics.recordsIn += i - from;
  }

  /** Every upstream subtask has ended (FLIP-147): the snapshot waits for the records still in the channels. */
  startCheckpoint(barrier: CheckpointBarrier): CheckpointBarrier | undefined {
    return this.aligner?.startAlignment(barrier) ?? undefined;
  }

  abortCheckpoint(checkpointId: number): void {
    if (this.aligner?.pendingCheckpointId === checkpointId) this.aligner.abandon();
  }

  notifyWhenAvailable(signal: Signal): void {
    // Channels already notify the task's signal when data arrives (see InputGate.setConsumer).
    void signal;
  }
}
