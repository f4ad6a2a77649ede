/**
 * Gives records event time and emits watermarks from a WatermarkStrategy, one generator per subtask
 * (Flink's TimestampsAndWatermarksOperator). It owns event time from here on: watermarks from
 * upstream are dropped, except the final one at the end of input, which must reach every window.
 */
import type { TimestampAssigner, WatermarkGenerator, WatermarkOutput, WatermarkStrategy } from '@sage/core';
import { StreamOperator, type OperatorContext } from './stream-operator.js';
import type { ScheduledTimer } from '../time/processing-time-service.js';

export class TimestampsAndWatermarksOperator extends StreamOperator implements WatermarkOutput {
  private readonly assigner: TimestampAssigner<unknown> | undefined;
  private generator: WatermarkGenerator<unknown> | undefined;
  private emitted = Number.NEGATIVE_INFINITY;
  private idle = false;
  private periodic: ScheduledTimer | undefined;

  constructor(
    context: OperatorContext,
    private readonly strategy: WatermarkStrategy<unknown>,
  ) {
    super(context);
    this.assigner = strategy.timestampAssigner;
  }

  override async open(): Promise<void> {
    const clock = this.context.processingTime;
    this.generator = this.strategy.createWatermarkGenerator({ currentProcessingTime: () => clock.getCurrentProcessingTime() });
    if (this.strategy.emitsWatermarks && this.context.autoWatermarkIntervalMs > 0) this.schedulePeriodicEmit();
  }

  processElement(value: unknown, timestamp: number): void {
    const assigner = this.assigner;
    const eventTime = assigner === undefined ? timestamp : assigner(value, timestamp);
    // The record before any watermark its own event leads to, as Flink: a punctuated generator that
    // emits the record's own time must not make that record late.
    this.output.collect(value, eventTime);
    this.generator!.onEvent(value, eventTime, this);
  }

  override processWatermark(watermark: number): void {
    if (watermark === Number.POSITIVE_INFINITY) this.emitWatermark(watermark);
  }

  override processWatermarkStatus(_idle: boolean): void {
    // Idleness is this operator's generator's to decide.
  }

  emitWatermark(watermark: number): void {
    if (!(watermark > this.emitted)) return;
    this.markActive();
    this.emitted = watermark;
    this.output.emitWatermark(watermark);
  }

  markIdle(): void {
    if (this.idle) return;
    this.idle = true;
    this.output.emitWatermarkStatus(true);
  }

  markActive(): void {
    if (!this.idle) return;
    this.idle = false;
    this.output.emitWatermarkStatus(false);
  }

  override async close(): Promise<void> {
    this.periodic?.cancel();
  }

  private schedulePeriodicEmit(): void {
    const clock = this.context.processingTime;
    this.periodic = clock.registerTimer(clock.getCurrentProcessingTime() + this.context.autoWatermarkIntervalMs, this.onPeriodicEmit);
  }

  private readonly onPeriodicEmit = (): void => {
    this.generator!.onPeriodicEmit(this);
    this.schedulePeriodicEmit();
  };
}
