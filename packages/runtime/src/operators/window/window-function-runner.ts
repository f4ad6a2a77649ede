/**
 * Runs the functions of a window: how a record is added to a window's (or pane's) contents, how two
 * contents combine, and how a fired window's contents become output. Contents are plain data in keyed
 * state: an accumulator for reduce() and aggregate(), an array of records for process().
 */
import {
  IllegalOperatorUsage,
  type AggregateFunction,
  type Collector,
  type OutputTag,
  type ProcessWindowContext,
  type RichFunction,
  type RuntimeContext,
  type Window,
  type WindowOperatorSpec,
} from '@sage/core';
import type { WindowScopedStateStore } from './window-state.js';
import type { StreamOperator } from '../stream-operator.js';
import { copyStateValue } from '../../state/state-value-copy.js';

type ProcessFn = (key: unknown, ctx: ProcessWindowContext<Window>, elements: readonly unknown[], out: Collector<unknown>) => void;
type ProcessAllFn = (ctx: ProcessWindowContext<Window>, elements: readonly unknown[], out: Collector<unknown>) => void;

export class WindowFunctionRunner {
  /** True when contents are accumulators; false when they are the records themselves. */
  readonly incremental: boolean;
  /** True when two contents can be combined (accumulators need reduce or merge). */
  readonly mergeable: boolean;
  private readonly reduceFn: ((a: unknown, b: unknown) => unknown) | undefined;
  private readonly aggregateFn: AggregateFunction<unknown, unknown, unknown> | undefined;
  private readonly windowFn: ProcessFn | ProcessAllFn | undefined;
  private readonly clearFn: ((ctx: ProcessWindowContext<Window>) => void) | undefined;
  private readonly rich: RichFunction[] = [];

  constructor(
    spec: WindowOperatorSpec,
    /** False: keep records even for reduce/aggregate (an evictor needs them, or panes that cannot merge). */
    incrementalAllowed: boolean,
    private readonly allWindows: boolean,
  ) {
    const fn = spec.function;
    if (fn.kind === 'reduce') {
      const reduce = fn.reduce as ((a: unknown, b: unknown) => unknown) | { reduce(a: unknown, b: unknown): unknown };
      this.reduceFn = typeof reduce === 'function' ? reduce : reduce.reduce.bind(reduce);
      this.addRich(reduce);
    } else if (fn.kind === 'aggregate') {
      this.aggregateFn = fn.aggregate;
      this.addRich(fn.aggregate);
    }
    this.incremental = fn.kind !== 'process' && incrementalAllowed;
    this.mergeable = !this.incremental || this.reduceFn !== undefined || typeof this.aggregateFn?.merge === 'function';
    const windowFn = fn.window as ProcessFn | { process: ProcessFn; clear?(ctx: ProcessWindowContext<Window>): void } | undefined;
    if (windowFn !== undefined) {
      this.windowFn = typeof windowFn === 'function' ? windowFn : windowFn.process.bind(windowFn);
      this.clearFn = typeof windowFn === 'object' && typeof windowFn.clear === 'function' ? windowFn.clear.bind(windowFn) : undefined;
      this.addRich(windowFn);
    }
  }

  get hasClear(): boolean {
    return this.clearFn !== undefined;
  }

  async open(ctx: RuntimeContext): Promise<void> {
    for (const fn of this.rich) if (typeof fn.open === 'function') await fn.open(ctx);
  }

  async close(): Promise<void> {
    for (const fn of this.rich) if (typeof fn.close === 'function') await fn.close();
  }

  /** Adds a record to contents (undefined: empty) and returns the new contents; may change them in place. */
  add(contents: unknown, value: unknown): unknown {
    if (!this.incremental) {
      if (contents === undefined) return [value];
      (contents as unknown[]).push(value);
      return contents;
    }
    const reduce = this.reduceFn;
    if (reduce !== undefined) return contents === undefined ? value : reduce(contents, value);
    const aggregate = this.aggregateFn!;
    return aggregate.add(value, contents === undefined ? aggregate.createAccumulator() : contents);
  }

  /**
   * Combines contents into a new value; none of `parts` is changed (the first is copied before
   * anything is merged into it, since reduce and merge may change their first argument).
   */
  combine(parts: readonly unknown[]): unknown {
    if (parts.length === 1) return parts[0];
    if (!this.incremental) {
      const all: unknown[] = [];
      for (const part of parts) for (const value of part as unknown[]) all.push(value);
      return all;
    }
    let result = copyStateValue(parts[0]);
    const reduce = this.reduceFn;
    if (reduce !== undefined) {
      for (let i = 1; i < parts.length; i++) result = reduce(result, parts[i]);
      return result;
    }
    const merge = this.aggregateFn!.merge;
    if (merge === undefined) throw new IllegalOperatorUsage('The AggregateFunction has no merge(a, b): windows whose accumulators combine need it');
    for (let i = 1; i < parts.length; i++) result = merge.call(this.aggregateFn, result, parts[i]);
    return result;
  }

  /** Merges `other` into `contents` (session windows); `contents` may be changed in place. */
  merge(contents: unknown, other: unknown): unknown {
    if (!this.incremental) {
      for (const value of other as unknown[]) (contents as unknown[]).push(value);
      return contents;
    }
    if (this.reduceFn !== undefined) return this.reduceFn(contents, other);
    return this.aggregateFn!.merge!.call(this.aggregateFn, contents, other);
  }

  /** Folds records into one accumulator (windows with an evictor apply reduce/aggregate at firing). */
  fold(values: readonly unknown[]): unknown {
    let contents: unknown = undefined;
    const reduce = this.reduceFn;
    if (reduce !== undefined) {
      for (const value of values) contents = contents === undefined ? value : reduce(contents, value);
      return contents;
    }
    const aggregate = this.aggregateFn!;
    contents = aggregate.createAccumulator();
    for (const value of values) contents = aggregate.add(value, contents);
    return contents;
  }

  /** Emits a fired window: `contents` are an accumulator when `accumulated`, records otherwise. */
  emit(key: unknown, call: WindowCall, contents: unknown, accumulated: boolean): void {
    let result: unknown;
    let records: readonly unknown[];
    if (accumulated) {
      result = this.aggregateFn === undefined ? contents : this.aggregateFn.getResult(contents);
      if (this.windowFn === undefined) {
        call.collect(result);
        return;
      }
      records = [result];
    } else if (this.reduceFn !== undefined || this.aggregateFn !== undefined) {
      if ((contents as unknown[]).length === 0) return;
      this.emit(key, call, this.fold(contents as unknown[]), true);
      return;
    } else {
      records = contents as unknown[];
    }
    if (this.allWindows) (this.windowFn as ProcessAllFn)(call, records, call);
    else (this.windowFn as ProcessFn)(key, call, records, call);
  }

  /** The window is dropped: the window function clears its window state. */
  clear(call: WindowCall): void {
    this.clearFn?.(call);
  }

  private addRich(fn: unknown): void {
    if (fn !== null && typeof fn === 'object') this.rich.push(fn as RichFunction);
  }
}

/** The context and collector of every window function call: one object per operator, reused. */
export class WindowCall implements ProcessWindowContext<Window>, Collector<unknown> {
  window: Window = undefined as unknown as Window;
  outputTimestamp = 0;

  constructor(
    private readonly operator: StreamOperator,
    private readonly windowStore: WindowScopedStateStore | undefined,
    private readonly globalStore: { getState: WindowScopedStateStore['getState'] } | undefined,
  ) {}

  collect(value: unknown): void {
    this.operator.output.collect(value, this.outputTimestamp);
  }

  output<X>(tag: OutputTag<X>, value: X): void {
    this.operator.output.collectSide(tag.id, value, this.outputTimestamp);
  }

  currentProcessingTime(): number {
    return this.operator.context.processingTime.getCurrentProcessingTime();
  }

  currentWatermark(): number {
    return this.operator.currentWatermark;
  }

  windowState(): WindowScopedStateStore {
    if (this.windowStore === undefined) throw new IllegalOperatorUsage('windowState() needs a keyed window (keyBy(...).window(...))');
    return this.windowStore;
  }

  globalState(): { getState: WindowScopedStateStore['getState'] } {
    if (this.globalStore === undefined) throw new IllegalOperatorUsage('globalState() needs a keyed window (keyBy(...).window(...))');
    return this.globalStore;
  }
}
