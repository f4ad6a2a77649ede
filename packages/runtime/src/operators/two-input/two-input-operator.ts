/**
 * Base of the operators that read two inputs (connect, joins, broadcast state). The task calls
 * processElement1/2 for records of each input and processWatermark1/2 with each input's own
 * watermark (a valve over that input's channels); the operator's event time is the minimum of the
 * two, leaving an idle input out, as Flink's AbstractStreamOperator combines them. An input that has
 * ended sends +∞ and no longer holds event time back.
 */
import type { KeySelector } from '@sage/core';
import { UserFunctionOperator } from '../user-function-operator.js';
import type { InternalTimerService } from '../../time/internal-timer-service.js';
import type { OperatorContext } from '../stream-operator.js';

export abstract class TwoInputOperator extends UserFunctionOperator {
  /** The key of a second-input record on keyed two-input operators; the first input's is `keySelector`. */
  protected readonly keySelector2: KeySelector<unknown, unknown> | null;
  /** Keyed operators with timers only. */
  timers: InternalTimerService | undefined = undefined;
  private watermark1 = Number.NEGATIVE_INFINITY;
  private watermark2 = Number.NEGATIVE_INFINITY;
  private idle1 = false;
  private idle2 = false;
  private idle = false;

  constructor(context: OperatorContext, userFunction: unknown) {
    super(context, userFunction);
    this.keySelector2 = context.keySelector2 ?? null;
  }

  abstract processElement1(value: unknown, timestamp: number): void;
  abstract processElement2(value: unknown, timestamp: number): void;

  /** A two-input operator heads its chain and is fed per input; nothing calls this. */
  processElement(value: unknown, timestamp: number): void {
    this.processElement1(value, timestamp);
  }

  processWatermark1(watermark: number): void {
    this.watermark1 = watermark;
    this.combineWatermarks();
  }

  processWatermark2(watermark: number): void {
    this.watermark2 = watermark;
    this.combineWatermarks();
  }

  processWatermarkStatus1(idle: boolean): void {
    this.idle1 = idle;
    this.combineStatus();
  }

  processWatermarkStatus2(idle: boolean): void {
    this.idle2 = idle;
    this.combineStatus();
  }

  private combineWatermarks(): void {
    let combined: number;
    if (this.idle1 && this.idle2) return;
    else if (this.idle1) combined = this.watermark2;
    else if (this.idle2) combined = this.watermark1;
    else combined = Math.min(this.watermark1, this.watermark2);
    if (combined > this.currentWatermark) this.processWatermark(combined);
  }

  private combineStatus(): void {
    const idle = this.idle1 && this.idle2;
    if (idle !== this.idle) {
      this.idle = idle;
      this.processWatermarkStatus(idle);
    }
    // An input gone idle may be the one that held event time back.
    this.combineWatermarks();
  }

  /** Scopes keyed state to a first-input record's key. */
  protected setKeyOf1(value: unknown): void {
    this.backend!.setCurrentKey(this.keySelector!(value));
  }

  /** Scopes keyed state to a second-input record's key. */
  protected setKeyOf2(value: unknown): void {
    this.backend!.setCurrentKey(this.keySelector2!(value));
  }
}
