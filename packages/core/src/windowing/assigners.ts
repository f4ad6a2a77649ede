/**
 * Window assigners (Flink's WindowAssigner): which windows a record belongs to. The built-in ones are
 * declarative (sizes, slides, gaps) so that the runtime can slice time into panes and keep one
 * accumulator per pane instead of copying a record into every window that overlaps it.
 */
import type { Trigger } from './triggers.js';
import { EventTimeTrigger, NeverTrigger, ProcessingTimeTrigger } from './triggers.js';
import { GlobalWindow, TimeWindow, type Window } from './windows.js';

/** `tumbling`, `sliding` and `session` windows are computed by the runtime from the assigner's numbers. */
export type WindowAssignerKind = 'tumbling' | 'sliding' | 'session' | 'global' | 'custom';

/** What an assigner may read besides the record. */
export interface WindowAssignerContext {
  getCurrentProcessingTime(): number;
}

export abstract class WindowAssigner<T, W extends Window> {
  /** Keeps T contravariant: an assigner for any record fits a stream of any type. */
  declare readonly __in?: (element: T) => void;
  declare readonly __window?: W;
  /** Custom assigners leave this 'custom': the runtime calls assignWindows() for every record. */
  readonly kind: WindowAssignerKind = 'custom';

  abstract assignWindows(element: T, timestamp: number, context: WindowAssignerContext): readonly W[];
  // NoInfer: a custom assigner that returns a built-in trigger (typed for any Window) keeps its own window type.
  abstract getDefaultTrigger(): Trigger<T, NoInfer<W>>;
  /** True when windows follow event time (the record's timestamp and the watermark). */
  abstract isEventTime(): boolean;
  /** Session windows merge when they overlap. */
  isMerging(): boolean {
    return false;
  }
}

/** Tumbling and sliding windows of fixed size: a sliding window with `slide === size` is a tumbling one. */
export abstract class FixedWindowAssigner extends WindowAssigner<unknown, TimeWindow> {
  protected constructor(
    readonly size: number,
    readonly slide: number,
    readonly offset: number,
    private readonly eventTime: boolean,
    what: string,
  ) {
    super();
    checkPositive(size, `${what} size`);
    checkPositive(slide, `${what} slide`);
    if (!Number.isInteger(offset) || Math.abs(offset) >= slide) {
      throw new RangeError(`${what}: the offset must be an integer of milliseconds smaller than the slide (${slide}), got ${offset}`);
    }
  }

  assignWindows(_element: unknown, timestamp: number, context: WindowAssignerContext): readonly TimeWindow[] {
    const time = this.eventTime ? timestamp : context.getCurrentProcessingTime();
    const windows: TimeWindow[] = [];
    for (let start = windowStart(time, this.offset, this.slide); start > time - this.size; start -= this.slide) {
      windows.push(new TimeWindow(start, start + this.size));
    }
    return windows;
  }

  getDefaultTrigger(): Trigger<unknown, TimeWindow> {
    return this.eventTime ? EventTimeTrigger.create() : ProcessingTimeTrigger.create();
  }

  isEventTime(): boolean {
    return this.eventTime;
  }
}

export class TumblingEventTimeWindows extends FixedWindowAssigner {
  override readonly kind = 'tumbling';
  private constructor(size: number, offset: number) {
    super(size, size, offset, true, 'TumblingEventTimeWindows');
  }
  /** Windows `[k * size + offset, (k + 1) * size + offset)`; an offset of -8 h gives days in UTC+8. */
  static of(size: number, offset = 0): TumblingEventTimeWindows {
    return new TumblingEventTimeWindows(size, offset);
  }
}

export class TumblingProcessingTimeWindows extends FixedWindowAssigner {
  override readonly kind = 'tumbling';
  private constructor(size: number, offset: number) {
    super(size, size, offset, false, 'TumblingProcessingTimeWindows');
  }
  static of(size: number, offset = 0): TumblingProcessingTimeWindows {
    return new TumblingProcessingTimeWindows(size, offset);
  }
}

export class SlidingEventTimeWindows extends FixedWindowAssigner {
  override readonly kind = 'sliding';
  private constructor(size: number, slide: number, offset: number) {
    super(size, slide, offset, true, 'SlidingEventTimeWindows');
  }
  /** Windows of `size` starting every `slide`; each record belongs to about size / slide of them. */
  static of(size: number, slide: number, offset = 0): SlidingEventTimeWindows {
    return new SlidingEventTimeWindows(size, slide, offset);
  }
}

export class SlidingProcessingTimeWindows extends FixedWindowAssigner {
  override readonly kind = 'sliding';
  private constructor(size: number, slide: number, offset: number) {
    super(size, slide, offset, false, 'SlidingProcessingTimeWindows');
  }
  static of(size: number, slide: number, offset = 0): SlidingProcessingTimeWindows {
    return new SlidingProcessingTimeWindows(size, slide, offset);
  }
}

/** The gap of a session, per record: a session ends after `gap` ms without records of its key. */
export type SessionGapExtractor<T> = (element: T) => number;

/** Sessions: a record opens `[t, t + gap)`, and windows of one key that overlap merge. */
export class SessionWindowAssigner<T> extends WindowAssigner<T, TimeWindow> {
  override readonly kind = 'session';
  /** @internal Use EventTimeSessionWindows or ProcessingTimeSessionWindows. */
  constructor(
    /** The fixed gap, when there is no extractor. */
    readonly gap: number,
    readonly gapExtractor: SessionGapExtractor<T> | undefined,
    private readonly eventTime: boolean,
  ) {
    super();
    if (gapExtractor === undefined) checkPositive(gap, 'A session gap');
    else if (typeof gapExtractor !== 'function') throw new TypeError('withDynamicGap() takes a function from a record to its gap in ms');
  }

  /** The gap for one record, checked. */
  gapOf(element: T): number {
    if (this.gapExtractor === undefined) return this.gap;
    const gap = this.gapExtractor(element);
    if (!(gap > 0) || !Number.isFinite(gap)) {
      throw new RangeError(`The session gap extractor returned ${String(gap)}: it must return a positive number of milliseconds`);
    }
    return gap;
  }

  assignWindows(element: T, timestamp: number, context: WindowAssignerContext): readonly TimeWindow[] {
    const time = this.eventTime ? timestamp : context.getCurrentProcessingTime();
    return [new TimeWindow(time, time + this.gapOf(element))];
  }

  getDefaultTrigger(): Trigger<T, TimeWindow> {
    return (this.eventTime ? EventTimeTrigger.create() : ProcessingTimeTrigger.create()) as Trigger<T, TimeWindow>;
  }

  isEventTime(): boolean {
    return this.eventTime;
  }

  override isMerging(): boolean {
    return true;
  }
}

export class EventTimeSessionWindows {
  static withGap(gap: number): SessionWindowAssigner<unknown> {
    return new SessionWindowAssigner(gap, undefined, true);
  }
  static withDynamicGap<T>(extractor: SessionGapExtractor<T>): SessionWindowAssigner<T> {
    return new SessionWindowAssigner(0, extractor, true);
  }
}

export class ProcessingTimeSessionWindows {
  static withGap(gap: number): SessionWindowAssigner<unknown> {
    return new SessionWindowAssigner(gap, undefined, false);
  }
  static withDynamicGap<T>(extractor: SessionGapExtractor<T>): SessionWindowAssigner<T> {
    return new SessionWindowAssigner(0, extractor, false);
  }
}

/** One window for all records of a key; it fires only through a trigger (count windows use it). */
export class GlobalWindows extends WindowAssigner<unknown, GlobalWindow> {
  override readonly kind = 'global';
  private static readonly windows: readonly GlobalWindow[] = [GlobalWindow.INSTANCE];
  private constructor() {
    super();
  }
  static create(): GlobalWindows {
    return new GlobalWindows();
  }
  assignWindows(): readonly GlobalWindow[] {
    return GlobalWindows.windows;
  }
  getDefaultTrigger(): Trigger<unknown, GlobalWindow> {
    return NeverTrigger.create();
  }
  isEventTime(): boolean {
    return false;
  }
}

/** The start of the window of `timestamp` among windows starting every `slide` ms from `offset`. */
export function windowStart(timestamp: number, offset: number, slide: number): number {
  const remainder = (timestamp - offset) % slide;
  return timestamp - (remainder < 0 ? remainder + slide : remainder);
}

function checkPositive(ms: number, what: string): void {
  if (!Number.isInteger(ms) || ms <= 0) {
    throw new RangeError(`${what} must be a positive integer of milliseconds (use seconds(5), minutes(1), ...), got ${String(ms)}`);
  }
}
