/**
 * Tumbling and sliding windows with their default triggers, on slices (Flink's SlicingWindowOperator,
 * Arroyo's and Flink SQL's window TVFs): time is cut into slices of gcd(size, slide), a record goes into
 * exactly one slice of its key, and a window is the combination of its size / gcd slices when it
 * fires. A 10-minute window sliding every minute costs one accumulator update per record, as a
 * tumbling one does; firing combines ten accumulators.
 *
 * State: per key, one entry `[sliceEnd, contents, sliceEnd, contents, …]` in an internal table. Timers
 * (in keyed state too): one at the end of the first window of a new slice; firing window `e` sets the
 * one of `e + slide` while slices remain for it, so every key has at most one pending firing timer
 * however many windows overlap. With allowed lateness, a cleanup timer per fired window drops slices
 * once no window that still accepts records needs them.
 */
import { windowStart, TimeWindow, type WindowOperatorSpec, type FixedWindowAssigner } from '@sage/core';
import { NO_TIMESTAMP } from '../../records/stream-elements.js';
import type { StateTable } from '../../state/heap-keyed-state-backend.js';
import type { InternalTimer, InternalTimerService, Triggerable } from '../../time/internal-timer-service.js';
import { OperatorRuntimeContext } from '../user-function-operator.js';
import { StreamOperator, type OperatorContext } from '../stream-operator.js';
import { WindowCall, WindowFunctionRunner } from './window-function-runner.js';
import { WindowScopedStateStore } from './window-state.js';
import { lateRecord, missingTimestamp, WINDOW_STATE_PREFIX } from './window-common.js';

export class SlicingWindowOperator extends StreamOperator implements Triggerable {
  private readonly size: number;
  private readonly slide: number;
  private readonly slice: number;
  private readonly offset: number;
  private readonly lateness: number;
  private readonly eventTime: boolean;
  private readonly lateTag: string | undefined;
  private readonly table: StateTable;
  private readonly runner: WindowFunctionRunner;
  private readonly call: WindowCall;
  private readonly windowStore: WindowScopedStateStore;
  private timers!: InternalTimerService;
  /** Reused when a window combines several slices. */
  private readonly parts: unknown[] = [];
  private readonly partEnds: number[] = [];

  constructor(context: OperatorContext, spec: WindowOperatorSpec) {
    super(context);
    const assigner = spec.assigner as unknown as FixedWindowAssigner;
    this.size = assigner.size;
    this.slide = assigner.slide;
    this.slice = gcd(assigner.size, assigner.slide);
    this.offset = assigner.offset;
    this.eventTime = assigner.isEventTime();
    this.lateness = spec.allowedLateness;
    this.lateTag = spec.lateDataTag;
    this.table = this.backend!.internalTable(`${WINDOW_STATE_PREFIX}slices`);
    // One slice per window (tumbling) needs no merging; otherwise accumulators must merge, or the
    // slices keep records.
    const probe = new WindowFunctionRunner(spec, true, spec.allWindows);
    this.runner = this.slice === this.size || probe.mergeable ? probe : new WindowFunctionRunner(spec, false, spec.allWindows);
    this.windowStore = new WindowScopedStateStore(this.backend!, `${WINDOW_STATE_PREFIX}window-state/`);
    const backend = this.backend!;
    this.call = new WindowCall(this, this.windowStore, { getState: (d) => backend.getState(d) });
  }

  override async open(): Promise<void> {
    this.timers = this.getInternalTimerService('window', this);
    await this.runner.open(new OperatorRuntimeContext(this.context));
  }

  override async close(): Promise<void> {
    await this.runner.close();
  }

  processElement(value: unknown, timestamp: number): void {
    this.setKeyOf(value);
    let time = timestamp;
    if (!this.eventTime) time = this.context.processingTime.getCurrentProcessingTime();
    else if (time === NO_TIMESTAMP) throw missingTimestamp(this.context.operatorName);
    const slice = this.slice;
    const sliceStart = windowStart(time, this.offset, slice);
    const sliceEnd = sliceStart + slice;
    const watermark = this.currentWatermark;
    // The last window holding the slice starts at the last window start at or before the slice.
    const lastEnd = windowStart(sliceStart, this.offset, this.slide) + this.size;
    if (this.eventTime && lastEnd - 1 + this.lateness <= watermark) {
      lateRecord(this, this.lateTag, value, timestamp);
      return;
    }
    const backend = this.backend!;
    const index = backend.currentKeyGroupIndex;
    const stateKey = backend.currentStateKey;
    const table = this.table;
    if (backend.owed[index] !== 0) table.preserve(index, stateKey);
    const map = table.maps[index]!;
    let entry = map.get(stateKey) as unknown[] | undefined;
    if (entry === undefined) {
      map.set(stateKey, [sliceEnd, this.runner.add(undefined, value)]);
      this.onNewSlice(sliceEnd, lastEnd, watermark);
      return;
    }
    for (let i = 0; i < entry.length; i += 2) {
      if (entry[i] === sliceEnd) {
        entry[i + 1] = this.runner.add(entry[i + 1], value);
        // A late record within the allowed lateness fires its windows again.
        if (this.eventTime && sliceEnd - 1 <= watermark) this.fireLate(this.firstEnd(sliceEnd), lastEnd, watermark);
        return;
      }
    }
    entry.push(sliceEnd, this.runner.add(undefined, value));
    this.onNewSlice(sliceEnd, lastEnd, watermark);
  }

  /** The end of the first window that holds the slice ending at `sliceEnd`. */
  private firstEnd(sliceEnd: number): number {
    return windowStart(sliceEnd - this.size - 1, this.offset, this.slide) + this.slide + this.size;
  }

  /** Sets the firing timer of the slice's first open window; past windows within their allowed lateness fire again. */
  private onNewSlice(sliceEnd: number, lastEnd: number, watermark: number): void {
    const firstEnd = this.firstEnd(sliceEnd);
    if (!this.eventTime) {
      this.timers.registerProcessingTimeTimer(firstEnd - 1);
      return;
    }
    let end = firstEnd;
    if (sliceEnd - 1 <= watermark) {
      this.fireLate(firstEnd, lastEnd, watermark);
      // No firing timer may come for a slice whose windows have all fired: it needs its own cleanup.
      this.timers.registerEventTimeTimer(lastEnd - 1 + this.lateness);
      while (end <= lastEnd && end - 1 <= watermark) end += this.slide;
    }
    if (end <= lastEnd) this.timers.registerEventTimeTimer(end - 1);
  }

  /** Fires again the windows of a slice that have fired but still accept late records. */
  private fireLate(firstEnd: number, lastEnd: number, watermark: number): void {
    const lateness = this.lateness;
    for (let end = firstEnd; end <= lastEnd && end - 1 <= watermark; end += this.slide) {
      if (end - 1 + lateness <= watermark) continue; // dropped already
      this.fire(end);
      if (this.runner.hasClear) this.timers.registerEventTimeTimer(end - 1 + lateness);
    }
  }

  onEventTime(timer: InternalTimer): void {
    this.onTimer(timer.timestamp);
  }

  onProcessingTime(timer: InternalTimer): void {
    this.onTimer(timer.timestamp);
  }

  private onTimer(time: number): void {
    const backend = this.backend!;
    const index = backend.currentKeyGroupIndex;
    const stateKey = backend.currentStateKey;
    const table = this.table;
    // The window function reads the slices' contents: a snapshot in progress keeps them first.
    if (backend.owed[index] !== 0) table.preserve(index, stateKey);
    const end = time + 1;
    const slide = this.slide;
    const isWindowEnd = mod(end - this.offset - this.size, slide) === 0;
    if (isWindowEnd && this.fire(end)) {
      const entry = table.maps[index]!.get(stateKey) as unknown[];
      // Chain the next window while slices remain for it.
      const next = end + slide;
      for (let i = 0; i < entry.length; i += 2) {
        const sliceEnd = entry[i] as number;
        if (sliceEnd > next - this.size && sliceEnd <= next) {
          if (this.eventTime) this.timers.registerEventTimeTimer(next - 1);
          else this.timers.registerProcessingTimeTimer(next - 1);
          break;
        }
      }
      if (this.lateness > 0) this.timers.registerEventTimeTimer(end - 1 + this.lateness);
    }
    this.dropSlices(time, index, stateKey);
  }

  /** Emits window [end - size, end) of the current key, if it holds any slice; true if it did. */
  private fire(end: number): boolean {
    const backend = this.backend!;
    const entry = this.table.maps[backend.currentKeyGroupIndex]!.get(backend.currentStateKey) as unknown[] | undefined;
    if (entry === undefined) return false;
    const start = end - this.size;
    const parts = this.parts;
    const partEnds = this.partEnds;
    parts.length = 0;
    partEnds.length = 0;
    for (let i = 0; i < entry.length; i += 2) {
      const sliceEnd = entry[i] as number;
      if (sliceEnd > start && sliceEnd <= end) {
        // Insertion by slice end: records reach the window function in time order of their slices.
        let at = partEnds.length;
        while (at > 0 && partEnds[at - 1]! > sliceEnd) at--;
        partEnds.splice(at, 0, sliceEnd);
        parts.splice(at, 0, entry[i + 1]);
      }
    }
    if (parts.length === 0) return false;
    const contents = this.runner.combine(parts);
    parts.length = 0;
    const call = this.call;
    call.window = new TimeWindow(start, end);
    call.outputTimestamp = end - 1;
    this.windowStore.scopeTo(start, end);
    this.runner.emit(backend.currentKey, call, contents, this.runner.incremental);
    return true;
  }

  /**
   * Drops the slices no window needs any more at `time`; clears the window state of windows that
   * end. Runs in onTimer, which kept the entry for a snapshot in progress already.
   */
  private dropSlices(time: number, index: number, stateKey: unknown): void {
    const table = this.table;
    const map = table.maps[index]!;
    const entry = map.get(stateKey) as unknown[] | undefined;
    const lateness = this.eventTime ? this.lateness : 0;
    const closing = time + 1 - lateness;
    if (this.runner.hasClear && mod(closing - this.offset - this.size, this.slide) === 0) {
      const call = this.call;
      call.window = new TimeWindow(closing - this.size, closing);
      this.windowStore.scopeTo(closing - this.size, closing);
      this.runner.clear(call);
    }
    if (entry === undefined) return;
    let kept = 0;
    for (let i = 0; i < entry.length; i += 2) {
      const sliceEnd = entry[i] as number;
      const lastEnd = windowStart(sliceEnd - this.slice, this.offset, this.slide) + this.size;
      if (lastEnd - 1 + lateness <= time) continue;
      entry[kept++] = sliceEnd;
      entry[kept++] = entry[i + 1];
    }
    if (kept === 0) map.delete(stateKey);
    else entry.length = kept;
  }
}

function gcd(a: number, b: number): number {
  while (b !== 0) [a, b] = [b, a % b];
  return a;
}

function mod(a: number, m: number): number {
  const r = a % m;
  return r < 0 ? r + m : r;
}
