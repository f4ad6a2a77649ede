/**
 * The input of a task whose head operator reads two inputs (Flink's StreamTwoInputProcessor): one
 * gate holds the channels of both, each channel known to feed input 1 or 2. Records go to
 * processElement1/2 a batch at a time; each input has its own StatusWatermarkValve over its channels,
 * and the operator takes the minimum of the two. Barrier alignment is over every channel of the gate,
 * so it covers both inputs as it covers one.
 */
import type { JobGraph } from '@sage/core';
import type { InputGate } from '../network/input-gate.js';
import type { TaskMetrics } from '../metrics/task-metrics.js';
import { CheckpointBarrier, EndOfPartition, RecordBatch, Watermark, WatermarkStatus } from '../records/stream-elements.js';
import { StatusWatermarkValve, type ValveOutput } from '../time/status-watermark-valve.js';
import type { BarrierAligner } from '../checkpoint/barrier-aligner.js';
import type { TwoInputOperator } from '../operators/two-input/two-input-operator.js';
import { SliceCheck } from './event-loop-fairness.js';
import type { Signal } from './signal.js';
import type { InputStatus, TaskInput } from './task-input.js';

export class TwoInputNetworkInput implements TaskInput {
  private readonly slice = new SliceCheck();
  private partial: RecordBatch | undefined = undefined;
  private partialFrom = 0;
  private partialInput = 1;
  /** Per gate channel: 1 or 2, the input it feeds. */
  private readonly inputOf: Uint8Array;
  /** Per gate channel: its index among the channels of its input (the valve's channel number). */
  private readonly indexInInput: Uint32Array;
  private readonly valve1: StatusWatermarkValve;
  private readonly valve2: StatusWatermarkValve;

  constructor(
    private readonly gate: InputGate,
    /** The target input (1 or 2) of each gate channel. */
    channelInputs: readonly number[],
    private readonly operator: TwoInputOperator,
    private readonly metrics: TaskMetrics,
    private readonly aligner: BarrierAligner | undefined,
    private readonly onAligned: ((barrier: CheckpointBarrier) => void) | undefined,
  ) {
    this.inputOf = Uint8Array.from(channelInputs);
    this.indexInInput = new Uint32Array(channelInputs.length);
    const counts = [0, 0, 0];
    channelInputs.forEach((input, channel) => {
      if (input !== 1 && input !== 2) throw new Error(`Channel ${channel} of a two-input task feeds input ${input}: expected 1 or 2`);
      this.indexInInput[channel] = counts[input]!++;
    });
    const output1: ValveOutput = { processWatermark: (w) => operator.processWatermark1(w), processWatermarkStatus: (idle) => operator.processWatermarkStatus1(idle) };
    const output2: ValveOutput = { processWatermark: (w) => operator.processWatermark2(w), processWatermarkStatus: (idle) => operator.processWatermarkStatus2(idle) };
    this.valve1 = new StatusWatermarkValve(counts[1]!, output1);
    this.valve2 = new StatusWatermarkValve(counts[2]!, output2);
    // An input without channels has ended before it began.
    if (counts[1] === 0) operator.processWatermark1(Number.POSITIVE_INFINITY);
    if (counts[2] === 0) operator.processWatermark2(Number.POSITIVE_INFINITY);
  }

  processInput(): InputStatus {
    const partial = this.partial;
    if (partial !== undefined) {
      this.partial = undefined;
      this.processBatch(partial, this.partialFrom, this.partialInput);
      return 'more';
    }
    const gate = this.gate;
    const element = gate.poll();
    if (element === undefined) return 'nothing';
    const channel = gate.lastChannel;
    if (element instanceof RecordBatch) {
      this.processBatch(element, 0, this.inputOf[channel]!);
      return 'more';
    }
    if (element instanceof CheckpointBarrier) {
      const aligned = this.aligner?.onBarrier(channel, element);
      if (aligned) this.onAligned!(aligned);
      return 'more';
    }
    if (element instanceof Watermark) {
      this.valveOf(channel).inputWatermark(element.timestamp, this.indexInInput[channel]!);
      return 'more';
    }
    if (element instanceof WatermarkStatus) {
      this.valveOf(channel).inputStatus(element.idle, this.indexInInput[channel]!);
      return 'more';
    }
    if (element instanceof EndOfPartition) {
      this.valveOf(channel).channelEnded(this.indexInInput[channel]!);
      const ended = gate.markEnded(channel);
      const aligned = this.aligner?.onEndOfPartition();
      if (aligned) this.onAligned!(aligned);
      return ended ? 'end' : 'more';
    }
    return 'more';
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

  private valveOf(channel: number): StatusWatermarkValve {
    return this.inputOf[channel] === 1 ? this.valve1 : this.valve2;
  }

  /** As NetworkInput.processBatch, each batch going whole to one input's method. */
  private processBatch(batch: RecordBatch, from: number, input: number): void {
    const values = batch.values;
    const timestamps = batch.timestamps;
    const operator = this.operator;
    const slice = this.slice;
    const end = values.length;
    let i = from;
    while (i < end) {
      const start = i;
      const stop = Math.min(end, i + slice.countdown);
      if (input === 1) for (; i < stop; i++) operator.processElement1(values[i], timestamps[i]!);
      else for (; i < stop; i++) operator.processElement2(values[i], timestamps[i]!);
      if (slice.recordsDone(i - start) && i < end) {
        this.partial = batch;
        this.partialFrom = i;
        this.partialInput = input;
        break;
      }
    }
    this.metrics.recordsIn += i - from;
  }
}

/** The input (1 or 2) each channel of a two-input task's gate feeds, from the job edge it belongs to. */
export function channelInputs(gate: InputGate, jobGraph: JobGraph, taskName: string): number[] {
  const edges = gate.channelEdges;
  if (edges === undefined) throw new Error(`Task ${taskName} reads two inputs but its input gate does not say which job edge each channel belongs to`);
  return edges.map((edgeId) => jobGraph.edges[edgeId]!.targetInput);
}
