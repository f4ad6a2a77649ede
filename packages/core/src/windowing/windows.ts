/**
 * The windows a window operator groups records into. A window is what its assigner says it is; the
 * runtime keeps windows as plain numbers (start, end) in keyed state and builds these objects only
 * when user code (a trigger, an evictor, a window function) asks for one.
 */
export abstract class Window {
  /** The largest timestamp that still belongs to the window: records it emits carry this timestamp. */
  abstract maxTimestamp(): number;
}

/** A window of time: `[start, end)` in milliseconds. */
export class TimeWindow extends Window {
  constructor(
    readonly start: number,
    readonly end: number,
  ) {
    super();
  }

  maxTimestamp(): number {
    return this.end - 1;
  }

  /** Windows that overlap or touch belong to one session (Flink's TimeWindow.intersects). */
  intersects(other: TimeWindow): boolean {
    return this.start <= other.end && this.end >= other.start;
  }

  cover(other: TimeWindow): TimeWindow {
    return new TimeWindow(Math.min(this.start, other.start), Math.max(this.end, other.end));
  }

  override toString(): string {
    return `TimeWindow{start=${this.start}, end=${this.end}}`;
  }
}

/** The one window of GlobalWindows (count windows): it never ends on its own; a trigger fires it. */
export class GlobalWindow extends Window {
  static readonly INSTANCE = new GlobalWindow();
  /** As Flink's Long.MAX_VALUE: a finite number, so it can be written where timestamps go. */
  static readonly MAX_TIMESTAMP = Number.MAX_SAFE_INTEGER;
  readonly start = Number.NEGATIVE_INFINITY;
  readonly end = Number.POSITIVE_INFINITY;

  private constructor() {
    super();
  }

  static get(): GlobalWindow {
    return GlobalWindow.INSTANCE;
  }

  maxTimestamp(): number {
    return GlobalWindow.MAX_TIMESTAMP;
  }

  override toString(): string {
    return 'GlobalWindow';
  }
}

/** A record with its timestamp, as evictors see window contents. */
export interface TimestampedValue<T> {
  readonly value: T;
  /** The record's timestamp (event time), or -Infinity when it had none. */
  readonly timestamp: number;
}
