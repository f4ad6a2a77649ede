/**
 * A source's event time, as Flink's ProgressiveTimestampsAndWatermarks: the ReaderOutput a reader
 * emits into, and one output per split the reader opens. Every output has its own timestamp
 * assigner and WatermarkGenerator; split outputs feed a WatermarkOutputMultiplexer, so the source's
 * watermark is the minimum over its active splits. Generators emit periodically, all at once and
 * then combined, from a processing-time timer of the source operator: never per record.
 */
import type { ReaderOutput, SourceOutput, TimestampAssigner, WatermarkGenerator, WatermarkGeneratorContext, WatermarkOutput, WatermarkStrategy } from '@sage/core';
import type { TaskMetrics } from '../metrics/task-metrics.js';
import type { Output } from '../operators/output.js';
import { NO_TIMESTAMP } from '../records/stream-elements.js';
import { SliceCheck } from '../tasks/event-loop-fairness.js';
import { WatermarkOutputMultiplexer } from '../time/watermark-output-multiplexer.js';

/** The source operator as its outputs see it: `output` is set once the chain is wired. */
export interface SourceOutputTarget {
  readonly output: Output;
}

/**
 * Where records leave the source: into the chain, counted, with the answer collect() gives the reader
 * (false once the task's time slice is spent).
 */
class RecordEmitter {
  private readonly slice = new SliceCheck();

  constructor(
    private readonly target: SourceOutputTarget,
    private readonly metrics: TaskMetrics,
  ) {}

  emit(value: unknown, timestamp: number): boolean {
    this.metrics.recordsIn++;
    this.target.output.collect(value, timestamp);
    return !this.slice.recordDone();
  }
}

/**
 * The source's watermark as it leaves the operator: only ever rising, and an idle status that
 * changes only when it must. Emitting a watermark makes the source active again.
 */
export class SourceWatermarkOutput implements WatermarkOutput {
  private emitted = Number.NEGATIVE_INFINITY;
  private idle = false;

  constructor(private readonly target: SourceOutputTarget) {}

  emitWatermark(watermark: number): void {
    if (!(watermark > this.emitted)) return;
    this.markActive();
    this.emitted = watermark;
    this.target.output.emitWatermark(watermark);
  }

  markIdle(): void {
    if (this.idle) return;
    this.idle = true;
    this.target.output.emitWatermarkStatus(true);
  }

  markActive(): void {
    if (!this.idle) return;
    this.idle = false;
    this.target.output.emitWatermarkStatus(false);
  }
}

/** One split's output (or the subtask's, for a reader without splits): its assigner and generator. */
class SourceOutputWithWatermarks implements SourceOutput<unknown> {
  constructor(
    protected readonly emitter: RecordEmitter,
    protected readonly assigner: TimestampAssigner<unknown> | undefined,
    protected readonly generator: WatermarkGenerator<unknown>,
    /** Where the generator's watermarks on events go, and the reader's own. */
    protected readonly onEventOutput: WatermarkOutput,
    private readonly periodicOutput: WatermarkOutput,
  ) {}

  collect(value: unknown, timestamp?: number): boolean {
    const recordTimestamp = timestamp === undefined ? NO_TIMESTAMP : timestamp;
    const assigner = this.assigner;
    const eventTime = assigner === undefined ? recordTimestamp : assigner(value, recordTimestamp);
    // The record goes first, as Flink's: a watermark its own event produces must not make it late.
    const more = this.emitter.emit(value, eventTime);
    this.generator.onEvent(value, eventTime, this.onEventOutput);
    return more;
  }

  emitWatermark(watermark: number): void {
    this.onEventOutput.emitWatermark(watermark);
  }

  markIdle(): void {
    this.onEventOutput.markIdle();
  }

  markActive(): void {
    this.onEventOutput.markActive();
  }

  emitPeriodicWatermark(): void {
    this.generator.onPeriodicEmit(this.periodicOutput);
  }
}

/**
 * The ReaderOutput: the subtask's own output until the reader opens a split, then the factory of
 * split outputs. Records collected on it in split mode keep their timestamps but feed no generator,
 * so they cannot push the watermark past a split that lags.
 */
export class SourceReaderOutput extends SourceOutputWithWatermarks implements ReaderOutput<unknown> {
  private readonly splits = new Map<string, SourceOutputWithWatermarks>();
  private multiplexer: WatermarkOutputMultiplexer | undefined;

  constructor(
    target: SourceOutputTarget,
    metrics: TaskMetrics,
    private readonly strategy: WatermarkStrategy<unknown>,
    private readonly generatorContext: WatermarkGeneratorContext,
    private readonly watermarks: SourceWatermarkOutput,
  ) {
    const emitter = new RecordEmitter(target, metrics);
    super(emitter, strategy.timestampAssigner, strategy.createWatermarkGenerator(generatorContext), watermarks, watermarks);
  }

  override collect(value: unknown, timestamp?: number): boolean {
    const recordTimestamp = timestamp === undefined ? NO_TIMESTAMP : timestamp;
    const assigner = this.assigner;
    const eventTime = assigner === undefined ? recordTimestamp : assigner(value, recordTimestamp);
    const more = this.emitter.emit(value, eventTime);
    if (this.multiplexer === undefined) this.generator.onEvent(value, eventTime, this.onEventOutput);
    return more;
  }

  createOutputForSplit(splitId: string): SourceOutput<unknown> {
    const existing = this.splits.get(splitId);
    if (existing !== undefined) return existing;
    const multiplexer = (this.multiplexer ??= new WatermarkOutputMultiplexer(this.watermarks));
    multiplexer.registerNewOutput(splitId);
    // The new split starts active at -Infinity: whatever the source said before, it now holds event time back.
    this.watermarks.markActive();
    const output = new SourceOutputWithWatermarks(
      this.emitter,
      this.strategy.timestampAssigner,
      this.strategy.createWatermarkGenerator(this.generatorContext),
      multiplexer.getImmediateOutput(splitId),
      multiplexer.getDeferredOutput(splitId),
    );
    this.splits.set(splitId, output);
    return output;
  }

  releaseOutputForSplit(splitId: string): void {
    if (!this.splits.delete(splitId)) return;
    this.multiplexer!.unregisterOutput(splitId);
  }

  /** Every generator's periodic watermark, then their combination. */
  override emitPeriodicWatermark(): void {
    const multiplexer = this.multiplexer;
    if (multiplexer === undefined) {
      super.emitPeriodicWatermark();
      return;
    }
    for (const split of this.splits.values()) split.emitPeriodicWatermark();
    multiplexer.onPeriodicEmit();
  }
}
