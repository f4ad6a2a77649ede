/**
 * The general window operator (Flink's WindowOperator and EvictingWindowOperator): any assigner,
 * session windows that merge, custom triggers, evictors, count windows. Tumbling and sliding windows
 * with their default trigger and no evictor run on the SlicingWindowOperator instead.
 *
 * State: per key, one entry `[start, end, contents, start, end, contents, …]` in an internal table
 * (the global window is `[-Infinity, Infinity)`). Contents are an accumulator (reduce, aggregate),
 * the records (process), or `[record, timestamp, …]` with an evictor. Timers belong to the key, not
 * to a window: when one fires, every window of the key is asked whether it is due.
 */
import {
  GlobalWindow,
  IllegalOperatorUsage,
  TimeWindow,
  TriggerResult,
  windowStart,
  type Evictor,
  type EvictorContext,
  type FixedWindowAssigner,
  type OnMergeContext,
  type ReducingState,
  type SessionWindowAssigner,
  type StateDescriptor,
  type StateFor,
  type TimestampedValue,
  type Trigger,
  type Window,
  type WindowAssigner,
  type WindowAssignerContext,
  type WindowOperatorSpec,
} from '@sage/core';
import { NO_TIMESTAMP } from '../../records/stream-elements.js';
import type { StateTable } from '../../state/heap-keyed-state-backend.js';
import type { InternalTimer, InternalTimerService, Triggerable } from '../../time/internal-timer-service.js';
import { OperatorRuntimeContext } from '../user-function-operator.js';
import { StreamOperator, type OperatorContext } from '../stream-operator.js';
import { WindowCall, WindowFunctionRunner } from './window-function-runner.js';
import { WindowScopedStateStore } from './window-state.js';
import { lateRecord, missingTimestamp, WINDOW_STATE_PREFIX } from './window-common.js';

export class WindowOperator extends StreamOperator implements Triggerable, WindowAssignerContext, EvictorContext {
  private readonly assigner: WindowAssigner<unknown, Window>;
  private readonly eventTime: boolean;
  private readonly merging: boolean;
  private readonly lateness: number;
  private readonly lateTag: string | undefined;
  private readonly trigger: Trigger<unknown, Window> | undefined;
  private readonly evictor: Evictor<unknown, Window> | undefined;
  private readonly table: StateTable;
  private readonly runner: WindowFunctionRunner;
  private readonly call: WindowCall;
  private readonly windowStore: WindowScopedStateStore;
  private readonly triggerContext: WindowTriggerContext;
  private timers!: InternalTimerService;
  /** Windows a record was assigned to, as [start, end, …]: reused. */
  private readonly assigned: number[] = [];

  constructor(context: OperatorContext, spec: WindowOperatorSpec) {
    super(context);
    const backend = this.backend!;
    this.assigner = spec.assigner;
    this.eventTime = spec.assigner.isEventTime();
    this.merging = spec.assigner.isMerging();
    this.lateness = this.eventTime ? spec.allowedLateness : 0;
    this.lateTag = spec.lateDataTag;
    this.trigger = spec.trigger;
    this.evictor = spec.evictor;
    this.table = backend.internalTable(`${WINDOW_STATE_PREFIX}windows`);
    this.runner = new WindowFunctionRunner(spec, spec.evictor === undefined, spec.allWindows);
    if (this.merging && !this.runner.mergeable) {
      throw new IllegalOperatorUsage(`Window operator '${context.operatorName}': session windows need an AggregateFunction with merge(a, b)`);
    }
    this.windowStore = new WindowScopedStateStore(backend, `${WINDOW_STATE_PREFIX}window-state/`);
    this.call = new WindowCall(this, this.windowStore, { getState: (d) => backend.getState(d) });
    this.triggerContext = new WindowTriggerContext(this, new WindowScopedStateStore(backend, `${WINDOW_STATE_PREFIX}trigger-state/`));
  }

  override async open(): Promise<void> {
    this.timers = this.getInternalTimerService('window', this);
    this.triggerContext.timers = this.timers;
    await this.runner.open(new OperatorRuntimeContext(this.context));
  }

  override async close(): Promise<void> {
    await this.runner.close();
  }

  getCurrentProcessingTime(): number {
    return this.context.processingTime.getCurrentProcessingTime();
  }

  getCurrentWatermark(): number {
    return this.currentWatermark;
  }

  processElement(value: unknown, timestamp: number): void {
    this.setKeyOf(value);
    if (this.eventTime && timestamp === NO_TIMESTAMP) throw missingTimestamp(this.context.operatorName);
    // GlobalWindows need no time: count windows read no clock per record.
    const time = this.eventTime ? timestamp : this.assigner.kind === 'global' ? 0 : this.getCurrentProcessingTime();
    let accepted: boolean;
    if (this.merging) {
      accepted = this.addToSession(value, timestamp, time, (this.assigner as unknown as SessionWindowAssigner<unknown>).gapOf(value));
    } else {
      const windows = this.assignWindows(value, timestamp, time);
      accepted = false;
      for (let i = 0; i < windows.length; i += 2) {
        if (this.addToWindow(value, timestamp, windows[i]!, windows[i + 1]!)) accepted = true;
      }
    }
    if (!accepted) lateRecord(this, this.lateTag, value, timestamp);
  }

  private assignWindows(value: unknown, timestamp: number, time: number): readonly number[] {
    const out = this.assigned;
    out.length = 0;
    switch (this.assigner.kind) {
      case 'global':
        out.push(Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY);
        break;
      case 'tumbling':
      case 'sliding': {
        const { size, slide, offset } = this.assigner as unknown as FixedWindowAssigner;
        for (let start = windowStart(time, offset, slide); start > time - size; start -= slide) out.push(start, start + size);
        break;
      }
      default:
        for (const window of this.assigner.assignWindows(value, timestamp, this)) {
          const { start, end } = window as unknown as { start: number; end: number };
          if (typeof start !== 'number' || typeof end !== 'number') {
            throw new IllegalOperatorUsage(`The window assigner of '${this.context.operatorName}' must return windows with numeric start and end (TimeWindow or GlobalWindow)`);
          }
          out.push(start, end);
        }
    }
    return out;
  }

  /** Adds the record to window [start, end) of the current key; false when the window is past its allowed lateness. */
  private addToWindow(value: unknown, timestamp: number, start: number, end: number): boolean {
    const maxTimestamp = maxTimestampOf(end);
    if (this.eventTime && maxTimestamp + this.lateness <= this.currentWatermark) return false;
    const entry = this.entryForUpdate();
    let at = -1;
    for (let i = 0; i < entry.length; i += 3) {
      if (entry[i] === start && entry[i + 1] === end) {
        at = i;
        break;
      }
    }
    const isNew = at < 0;
    if (isNew) {
      at = entry.length;
      entry.push(start, end, this.add(undefined, value, timestamp));
      this.registerCleanupTimer(maxTimestamp);
    } else {
      entry[at + 2] = this.add(entry[at + 2], value, timestamp);
    }
    this.afterElement(entry, at, value, timestamp, isNew);
    return true;
  }

  /** Adds the record's session [time, time + gap) to the key's sessions, merging those it overlaps. */
  private addToSession(value: unknown, timestamp: number, time: number, gap: number): boolean {
    let start = time;
    let end = time + gap;
    const backend = this.backend!;
    const existing = this.table.maps[backend.currentKeyGroupIndex]!.get(backend.currentStateKey) as unknown[] | undefined;
    let overlapping = 0;
    let first = -1;
    if (existing !== undefined) {
      for (let i = 0; i < existing.length; i += 3) {
        const s = existing[i] as number;
        const e = existing[i + 1] as number;
        if (s <= end && e >= start) {
          if (s < start) start = s;
          if (e > end) end = e;
          if (first < 0) first = i;
          overlapping++;
        }
      }
    }
    const maxTimestamp = end - 1;
    if (this.eventTime && maxTimestamp + this.lateness <= this.currentWatermark) return false;
    const entry = this.entryForUpdate();
    if (overlapping === 0) {
      entry.push(start, end, this.add(undefined, value, timestamp));
      this.registerCleanupTimer(maxTimestamp);
      this.afterElement(entry, entry.length - 3, value, timestamp, true);
      return true;
    }
    if (overlapping === 1) {
      // The common case: the record falls into, or extends, the key's open session.
      const oldStart = entry[first] as number;
      const oldEnd = entry[first + 1] as number;
      entry[first + 2] = this.add(entry[first + 2], value, timestamp);
      const grown = start !== oldStart || end !== oldEnd;
      if (grown) {
        entry[first] = start;
        entry[first + 1] = end;
        if (this.trigger === undefined) this.moveDefaultTimers(oldEnd - 1);
        else this.onMerge(start, end, [[oldStart, oldEnd]]);
        this.registerCleanupTimer(maxTimestamp);
      }
      this.afterElement(entry, first, value, timestamp, grown);
      return true;
    }
    const contents = this.add(undefined, value, timestamp);
    // The record joins (and may bridge) sessions: one window replaces them, contents merged in start order.
    const merged: [number, number, unknown][] = [];
    let kept = 0;
    for (let i = 0; i < entry.length; i += 3) {
      const s = entry[i] as number;
      const e = entry[i + 1] as number;
      if (s <= end && e >= start) {
        merged.push([s, e, entry[i + 2]]);
        continue;
      }
      entry[kept++] = s;
      entry[kept++] = e;
      entry[kept++] = entry[i + 2];
    }
    merged.sort((a, b) => a[0] - b[0]);
    let mergedContents: unknown = undefined;
    for (const [, , c] of merged) mergedContents = mergedContents === undefined ? c : this.runner.merge(mergedContents, c);
    const oldWindows = merged.map(([s, e]) => [s, e] as const);
    entry.length = kept;
    mergedContents = this.runner.merge(mergedContents, contents);
    entry.push(start, end, mergedContents);
    this.onMerge(start, end, oldWindows);
    this.registerCleanupTimer(maxTimestamp);
    this.afterElement(entry, entry.length - 3, value, timestamp, true);
    return true;
  }

  /** Timers and trigger state of merged-away sessions go; the merged session gets its own. */
  private onMerge(start: number, end: number, oldWindows: readonly (readonly [number, number])[]): void {
    const trigger = this.trigger;
    const ctx = this.triggerContext;
    for (const [s, e] of oldWindows) {
      if (s === start && e === end) continue;
      if (trigger === undefined) this.moveDefaultTimers(e - 1);
      else this.deleteCleanupTimer(e - 1);
    }
    if (trigger === undefined) return; // afterElement registers the merged window's timer
    ctx.mergedWindows = oldWindows;
    ctx.scopeTo(start, end);
    trigger.onMerge(new TimeWindow(start, end), ctx);
    ctx.mergedWindows = undefined;
    for (const [s, e] of oldWindows) {
      if (s === start && e === end) continue;
      ctx.scopeTo(s, e);
      trigger.clear(new TimeWindow(s, e), ctx);
    }
  }

  /** The trigger's say on window `at` of `entry` after a record went in: fire, purge, set timers. */
  private afterElement(entry: unknown[], at: number, value: unknown, timestamp: number, isNew: boolean): void {
    const start = entry[at] as number;
    const end = entry[at + 1] as number;
    const maxTimestamp = maxTimestampOf(end);
    let result: TriggerResult;
    const trigger = this.trigger;
    if (trigger !== undefined) {
      this.triggerContext.scopeTo(start, end);
      result = trigger.onElement(value, timestamp, windowOf(start, end), this.triggerContext);
    } else if (end === Number.POSITIVE_INFINITY) {
      result = TriggerResult.CONTINUE; // GlobalWindows fire only through a trigger
    } else if (this.eventTime) {
      if (maxTimestamp <= this.currentWatermark) result = TriggerResult.FIRE;
      else {
        if (isNew) this.timers.registerEventTimeTimer(maxTimestamp);
        result = TriggerResult.CONTINUE;
      }
    } else {
      if (isNew) this.timers.registerProcessingTimeTimer(maxTimestamp);
      result = TriggerResult.CONTINUE;
    }
    if (result.fire) this.emitWindow(entry, at);
    if (result.purge) {
      if (this.backend!.owed[this.backend!.currentKeyGroupIndex] !== 0) this.table.preserve(this.backend!.currentKeyGroupIndex, this.backend!.currentStateKey);
      entry.splice(at, 3);
      this.dropEntryIfEmpty(entry);
    }
  }

  onEventTime(timer: InternalTimer): void {
    this.onTimer(timer.timestamp, true);
  }

  onProcessingTime(timer: InternalTimer): void {
    this.onTimer(timer.timestamp, false);
  }

  private onTimer(time: number, eventTimer: boolean): void {
    const backend = this.backend!;
    const index = backend.currentKeyGroupIndex;
    const stateKey = backend.currentStateKey;
    const map = this.table.maps[index]!;
    if (map.get(stateKey) === undefined) return;
    if (backend.owed[index] !== 0) this.table.preserve(index, stateKey);
    const entry = map.get(stateKey) as unknown[];
    const trigger = this.trigger;
    const ctx = this.triggerContext;
    for (let i = 0; i < entry.length; ) {
      const start = entry[i] as number;
      const end = entry[i + 1] as number;
      const maxTimestamp = maxTimestampOf(end);
      let result: TriggerResult;
      if (trigger !== undefined) {
        ctx.scopeTo(start, end);
        const window = windowOf(start, end);
        result = eventTimer ? trigger.onEventTime(time, window, ctx) : trigger.onProcessingTime(time, window, ctx);
      } else {
        result = eventTimer === this.eventTime && time === maxTimestamp ? TriggerResult.FIRE : TriggerResult.CONTINUE;
      }
      if (result.fire) this.emitWindow(entry, i);
      const cleanup = eventTimer === this.eventTime && time === maxTimestamp + this.lateness;
      if (cleanup) this.clearWindow(start, end);
      if (cleanup || result.purge) entry.splice(i, 3);
      else i += 3;
    }
    this.dropEntryIfEmpty(entry);
  }

  /** Hands window `at` of `entry` to the window function (after the evictor, if there is one). */
  private emitWindow(entry: unknown[], at: number): void {
    const start = entry[at] as number;
    const end = entry[at + 1] as number;
    const window = windowOf(start, end);
    const call = this.call;
    call.window = window;
    call.outputTimestamp = maxTimestampOf(end);
    this.windowStore.scopeTo(start, end);
    const key = this.backend!.currentKey;
    const evictor = this.evictor;
    if (evictor === undefined) {
      this.runner.emit(key, call, entry[at + 2], this.runner.incremental);
      return;
    }
    const flat = entry[at + 2] as unknown[];
    const records: TimestampedValue<unknown>[] = [];
    for (let i = 0; i < flat.length; i += 2) records.push({ value: flat[i], timestamp: flat[i + 1] as number });
    evictor.evictBefore(records, records.length, window, this);
    this.runner.emit(key, call, records.map((r) => r.value), false);
    evictor.evictAfter(records, records.length, window, this);
    const kept: unknown[] = [];
    for (const r of records) kept.push(r.value, r.timestamp);
    entry[at + 2] = kept;
  }

  /** The window's time is up: its trigger and window-function state go (its contents go with the caller's splice). */
  private clearWindow(start: number, end: number): void {
    if (this.trigger !== undefined) {
      this.triggerContext.scopeTo(start, end);
      this.trigger.clear(windowOf(start, end), this.triggerContext);
    }
    if (this.runner.hasClear) {
      this.call.window = windowOf(start, end);
      this.windowStore.scopeTo(start, end);
      this.runner.clear(this.call);
    }
  }

  private add(contents: unknown, value: unknown, timestamp: number): unknown {
    if (this.evictor === undefined) return this.runner.add(contents, value);
    if (contents === undefined) return [value, timestamp];
    (contents as unknown[]).push(value, timestamp);
    return contents;
  }

  /** The current key's entry, kept for a snapshot in progress, created when missing. */
  private entryForUpdate(): unknown[] {
    const backend = this.backend!;
    const index = backend.currentKeyGroupIndex;
    const stateKey = backend.currentStateKey;
    if (backend.owed[index] !== 0) this.table.preserve(index, stateKey);
    const map = this.table.maps[index]!;
    let entry = map.get(stateKey) as unknown[] | undefined;
    if (entry === undefined) {
      entry = [];
      map.set(stateKey, entry);
    }
    return entry;
  }

  private dropEntryIfEmpty(entry: unknown[]): void {
    if (entry.length !== 0) return;
    const backend = this.backend!;
    this.table.maps[backend.currentKeyGroupIndex]!.delete(backend.currentStateKey);
  }

  /** When the window's contents are dropped: its end plus the allowed lateness (event time), its end (processing time). */
  private registerCleanupTimer(maxTimestamp: number): void {
    if (maxTimestamp === GlobalWindow.MAX_TIMESTAMP) return; // the global window is never dropped
    // The default trigger's firing timer is the cleanup timer when there is no lateness.
    if (this.trigger === undefined && this.lateness === 0) return;
    if (this.eventTime) this.timers.registerEventTimeTimer(maxTimestamp + this.lateness);
    else this.timers.registerProcessingTimeTimer(maxTimestamp);
  }

  /** A session merged away: its firing and cleanup timers go (afterElement sets the merged one's). */
  private moveDefaultTimers(oldMaxTimestamp: number): void {
    if (this.lateness !== 0) this.deleteCleanupTimer(oldMaxTimestamp);
    if (this.eventTime) this.timers.deleteEventTimeTimer(oldMaxTimestamp);
    else this.timers.deleteProcessingTimeTimer(oldMaxTimestamp);
  }

  private deleteCleanupTimer(maxTimestamp: number): void {
    if (this.eventTime) this.timers.deleteEventTimeTimer(maxTimestamp + this.lateness);
    else this.timers.deleteProcessingTimeTimer(maxTimestamp);
  }
}

/** A trigger's view: the key's timers, and state scoped to the key and the window being asked about. */
class WindowTriggerContext implements OnMergeContext {
  timers!: InternalTimerService;
  /** Set while onMerge runs. */
  mergedWindows: readonly (readonly [number, number])[] | undefined = undefined;
  private start = 0;
  private end = 0;

  constructor(
    private readonly operator: WindowOperator,
    private readonly store: WindowScopedStateStore,
  ) {}

  scopeTo(start: number, end: number): void {
    this.start = start;
    this.end = end;
    this.store.scopeTo(start, end);
  }

  getCurrentProcessingTime(): number {
    return this.operator.getCurrentProcessingTime();
  }
  getCurrentWatermark(): number {
    return this.operator.getCurrentWatermark();
  }
  registerEventTimeTimer(time: number): void {
    this.timers.registerEventTimeTimer(time);
  }
  registerProcessingTimeTimer(time: number): void {
    this.timers.registerProcessingTimeTimer(time);
  }
  deleteEventTimeTimer(time: number): void {
    this.timers.deleteEventTimeTimer(time);
  }
  deleteProcessingTimeTimer(time: number): void {
    this.timers.deleteProcessingTimeTimer(time);
  }
  getPartitionedState<D extends StateDescriptor>(descriptor: D): StateFor<D> {
    return this.store.getState(descriptor);
  }

  /** Reducing state of the merged windows is added into the merged window's. */
  mergePartitionedState(descriptor: StateDescriptor): void {
    if (descriptor.kind !== 'reducing') {
      throw new IllegalOperatorUsage(`A trigger on session windows can merge reducing state only; '${descriptor.name}' is ${descriptor.kind} state`);
    }
    const merged = this.mergedWindows;
    if (merged === undefined) return;
    const start = this.start;
    const end = this.end;
    const state = this.store.getState(descriptor) as ReducingState<unknown>;
    const values: unknown[] = [];
    for (const [s, e] of merged) {
      if (s === start && e === end) continue;
      this.store.scopeTo(s, e);
      const value = state.get();
      if (value !== undefined) values.push(value);
      state.clear();
    }
    this.scopeTo(start, end);
    for (const value of values) state.add(value);
  }
}

function maxTimestampOf(end: number): number {
  return end === Number.POSITIVE_INFINITY ? GlobalWindow.MAX_TIMESTAMP : end - 1;
}

function windowOf(start: number, end: number): Window {
  return end === Number.POSITIVE_INFINITY ? GlobalWindow.INSTANCE : new TimeWindow(start, end);
}
