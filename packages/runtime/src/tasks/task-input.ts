/**
 * What a task's loop pulls from: a SourceReader for source vertices, the InputGate for all others.
 * processInput() handles one unit (one poll of the reader, one buffer or event from the gate) with
 * plain calls and says whether there is more.
 */
import type { ReaderOutput, SourceReader } from '@sage/core';
import type { InputGate } from '../network/input-gate.js';
import type { TaskMetrics } from '../metrics/task-metrics.js';
import type { Input } from '../operators/stream-operator.js';
import { CheckpointBarrier, EndOfPartition, NO_TIMESTAMP, RecordBatch } from '../records/stream-elements.js';
import type { BarrierAligner } from '../checkpoint/barrier-aligner.js';
import type { Signal } from './signal.js';

export type InputStatus = 'more' | 'nothing' | 'end';

export interface TaskInput {
  processInput(): InputStatus;
  /** Notifies `signal` when processInput may have something again. */
  notifyWhenAvailable(signal: Signal): void;
}

export class SourceInput implements TaskInput, ReaderOutput<unknown> {
  constructor(
    readonly reader: SourceReader<unknown, unknown>,
    private readonly chain: Input,
    private readonly metrics: TaskMetrics,
  ) {}

  processInput(): InputStatus {
    return this.reader.pollNext(this);
  }

  collect(value: unknown, timestamp?: number): void {
    this.metrics.recordsIn++;
    this.chain.processElement(value, timestamp === undefined ? NO_TIMESTAMP : timestamp);
  }

  notifyWhenAvailable(signal: Signal): void {
    this.reader.isAvailable().then(
      () => signal.notify(),
      () => signal.notify(),
    );
  }
}

export class NetworkInput implements TaskInput {
  constructor(
    private readonly gate: InputGate,
    private readonly chain: Input,
    private readonly metrics: TaskMetrics,
    /** Present when the job takes checkpoints. */
    private readonly aligner: BarrierAligner | undefined,
    /** Called once a checkpoint's barriers are aligned; the task snapshots before its next input. */
    private readonly onAligned: ((barrier: CheckpointBarrier) => void) | undefined,
  ) {}

  processInput(): InputStatus {
    const element = this.gate.poll();
    if (element === undefined) return 'nothing';
    if (element instanceof RecordBatch) {
      const values = element.values;
      const timestamps = element.timestamps;
      const chain = this.chain;
      for (let i = 0; i < values.length; i++) chain.processElement(values[i], timestamps[i]!);
      this.metrics.recordsIn += values.length;
      return 'more';
    }
    if (element instanceof CheckpointBarrier) {
      const aligned = this.aligner?.onBarrier(this.gate.lastChannel, element);
      if (aligned) this.onAligned!(aligned);
      return 'more';
    }
    if (element instanceof EndOfPartition) {
      const ended = this.gate.markEnded(this.gate.lastChannel);
      const aligned = this.aligner?.onEndOfPartition();
      if (aligned) this.onAligned!(aligned);
      return ended ? 'end' : 'more';
    }
    // Watermarks arrive here once event time is enabled.
    return 'more';
  }

  notifyWhenAvailable(signal: Signal): void {
    // Channels already notify the task's signal when data arrives (see InputGate.setConsumer).
    void signal;
  }
}
