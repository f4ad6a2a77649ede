/**
 * Combines the watermarks of a task's input channels into one (Flink's StatusWatermarkValve): the
 * minimum over the channels that are active and caught up. Idle channels are left out; a channel that
 * becomes active again counts once its watermark has reached the output's; an ended channel counts as
 * +∞, so the last one to end lets the final watermark through. Per channel, watermarks only rise: a
 * lower one is ignored.
 */
export interface ValveOutput {
  processWatermark(watermark: number): void;
  processWatermarkStatus(idle: boolean): void;
}

export class StatusWatermarkValve {
  private readonly watermarks: Float64Array;
  private readonly idle: Uint8Array;
  /** 1 while a channel takes part in the minimum: active, and not behind the output since it became active. */
  private readonly aligned: Uint8Array;
  private lastWatermark = Number.NEGATIVE_INFINITY;
  private outputIdle = false;

  constructor(
    channelCount: number,
    private readonly output: ValveOutput,
  ) {
    this.watermarks = new Float64Array(channelCount).fill(Number.NEGATIVE_INFINITY);
    this.idle = new Uint8Array(channelCount);
    this.aligned = new Uint8Array(channelCount).fill(1);
  }

  get currentWatermark(): number {
    return this.lastWatermark;
  }

  inputWatermark(watermark: number, channel: number): void {
    // A watermark from an idle channel means it is active again (its producer emits once it has data).
    if (this.idle[channel] !== 0) this.inputStatus(false, channel);
    if (!(watermark > this.watermarks[channel]!)) return;
    this.watermarks[channel] = watermark;
    if (this.aligned[channel] === 0 && watermark >= this.lastWatermark) this.aligned[channel] = 1;
    this.advance();
  }

  inputStatus(idle: boolean, channel: number): void {
    if ((this.idle[channel] !== 0) === idle) return;
    if (idle) {
      this.idle[channel] = 1;
      this.aligned[channel] = 0;
      if (this.allIdle()) {
        // Nothing holds event time back any more: let it reach the highest watermark any channel saw.
        this.emitUpTo(this.maxWatermark());
        if (!this.outputIdle) {
          this.outputIdle = true;
          this.output.processWatermarkStatus(true);
        }
      } else {
        this.advance();
      }
      return;
    }
    this.idle[channel] = 0;
    this.aligned[channel] = this.watermarks[channel]! >= this.lastWatermark ? 1 : 0;
    if (this.outputIdle) {
      this.outputIdle = false;
      this.output.processWatermarkStatus(false);
    }
  }

  /** The channel has ended: it no longer holds event time back. */
  channelEnded(channel: number): void {
    this.idle[channel] = 0;
    this.inputWatermark(Number.POSITIVE_INFINITY, channel);
    this.aligned[channel] = 1;
    this.advance();
  }

  private advance(): void {
    let min = Number.POSITIVE_INFINITY;
    let any = false;
    const n = this.watermarks.length;
    for (let i = 0; i < n; i++) {
      if (this.aligned[i] === 0) continue;
      any = true;
      const w = this.watermarks[i]!;
      if (w < min) min = w;
    }
    if (any) this.emitUpTo(min);
  }

  private emitUpTo(watermark: number): void {
    if (watermark > this.lastWatermark) {
      this.lastWatermark = watermark;
      this.output.processWatermark(watermark);
    }
  }

  private allIdle(): boolean {
    for (let i = 0; i < this.idle.length; i++) if (this.idle[i] === 0 && this.watermarks[i] !== Number.POSITIVE_INFINITY) return false;
    return true;
  }

  private maxWatermark(): number {
    let max = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < this.watermarks.length; i++) {
      const w = this.watermarks[i]!;
      if (w !== Number.POSITIVE_INFINITY && w > max) max = w;
    }
    return max;
  }
}
