/** Settings of how a job runs that are not checkpoints or restarts, as Flink's ExecutionConfig. */
export const DEFAULT_AUTO_WATERMARK_INTERVAL_MS = 200;

export class ExecutionConfig {
  private autoWatermarkIntervalMs = DEFAULT_AUTO_WATERMARK_INTERVAL_MS;

  /**
   * How often watermark generators are asked for a watermark (onPeriodicEmit), in processing time.
   * Lower means fresher event time and more watermark events; 0 turns periodic watermarks off.
   */
  setAutoWatermarkInterval(intervalMs: number): this {
    if (!Number.isInteger(intervalMs) || intervalMs < 0) {
      throw new TypeError(`setAutoWatermarkInterval() takes whole milliseconds (0 or more), got ${String(intervalMs)}`);
    }
    this.autoWatermarkIntervalMs = intervalMs;
    return this;
  }

  getAutoWatermarkInterval(): number {
    return this.autoWatermarkIntervalMs;
  }
}
