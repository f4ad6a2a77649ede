/**
 * Window joins and co-groups (Flink's JoinedStreams / CoGroupedStreams): both inputs are tagged,
 * united, keyed by their own key selectors and windowed together; the window function splits a
 * window's records by side and pairs them. No two-input runtime support is needed.
 */
import type { DataStream, SingleOutputStream } from '../api/data-stream.js';
import type { Collector, RichFunction, RuntimeContext } from '../functions/context.js';
import type { KeySelector } from '../functions/functions.js';
import type { WindowAssigner } from './assigners.js';
import type { Evictor } from './evictors.js';
import type { Trigger } from './triggers.js';
import { ProcessWindowFunction, type ProcessWindowContext } from './window-functions.js';
import type { Window } from './windows.js';

/** A record of either input, as the join's window operator keeps it. */
export interface TaggedUnion<A, B> {
  /** 0: first input, 1: second. */
  readonly t: 0 | 1;
  readonly v: A | B;
}

export interface JoinFunction<A, B, R> extends RichFunction {
  join(first: A, second: B): R;
}
export type JoinFn<A, B, R> = ((first: A, second: B) => R) | JoinFunction<A, B, R>;

export interface CoGroupFunction<A, B, R> extends RichFunction {
  coGroup(first: readonly A[], second: readonly B[], out: Collector<R>): void;
}
export type CoGroupFn<A, B, R> = ((first: readonly A[], second: readonly B[], out: Collector<R>) => void) | CoGroupFunction<A, B, R>;

type Mode = 'join' | 'coGroup';

/** The function a join (pairs) or a co-group (both sides' lists) applies to a window. */
export type JoinWindowFn<A, B, R, M extends Mode> = M extends 'join' ? JoinFn<A, B, R> : CoGroupFn<A, B, R>;

abstract class TwoStreams<A, B, M extends Mode> {
  protected constructor(
    private readonly first: DataStream<A>,
    private readonly second: DataStream<B>,
    private readonly mode: M,
  ) {}

  where<K>(firstKey: KeySelector<A, K>): { equalTo(secondKey: KeySelector<B, K>): JoinWhereEqual<A, B, K, M> } {
    if (typeof firstKey !== 'function') throw new TypeError('where() takes a function from a record of the first stream to its key');
    return {
      equalTo: (secondKey: KeySelector<B, K>) => {
        if (typeof secondKey !== 'function') throw new TypeError('equalTo() takes a function from a record of the second stream to its key');
        return new JoinWhereEqual<A, B, K, M>(this.first, this.second, firstKey, secondKey, this.mode);
      },
    };
  }
}

/** `a.join(b)`: name the key of each side with where() and equalTo(), then the window. */
export class JoinedStreams<A, B> extends TwoStreams<A, B, 'join'> {
  /** @internal */
  constructor(first: DataStream<A>, second: DataStream<B>) {
    super(first, second, 'join');
  }
}

/** `a.coGroup(b)`: like join, but the function gets both sides' records of a key and window at once. */
export class CoGroupedStreams<A, B> extends TwoStreams<A, B, 'coGroup'> {
  /** @internal */
  constructor(first: DataStream<A>, second: DataStream<B>) {
    super(first, second, 'coGroup');
  }
}

export class JoinWhereEqual<A, B, K, M extends Mode> {
  /** @internal */
  constructor(
    private readonly first: DataStream<A>,
    private readonly second: DataStream<B>,
    private readonly firstKey: KeySelector<A, K>,
    private readonly secondKey: KeySelector<B, K>,
    private readonly mode: M,
  ) {}

  window<W extends Window>(assigner: WindowAssigner<TaggedUnion<A, B>, W>): WithWindow<A, B, K, W, M> {
    const firstKey = this.firstKey;
    const secondKey = this.secondKey;
    const tagged = this.first
      .map((v: A): TaggedUnion<A, B> => ({ t: 0, v }))
      .name(`${this.mode === 'join' ? 'Join' : 'CoGroup'}: tag first`)
      .union(this.second.map((v: B): TaggedUnion<A, B> => ({ t: 1, v })).name(`${this.mode === 'join' ? 'Join' : 'CoGroup'}: tag second`));
    const windowed = tagged
      .keyBy((r: TaggedUnion<A, B>): K => (r.t === 0 ? firstKey(r.v as A) : secondKey(r.v as B)))
      .window(assigner);
    return new WithWindow<A, B, K, W, M>(windowed, this.mode);
  }
}

interface TaggedWindowedStream<A, B, K, W extends Window> {
  trigger(trigger: Trigger<TaggedUnion<A, B>, W>): unknown;
  evictor(evictor: Evictor<TaggedUnion<A, B>, W>): unknown;
  allowedLateness(ms: number): unknown;
  process<R>(fn: ProcessWindowFunction<TaggedUnion<A, B>, R, K, W>): SingleOutputStream<R>;
}

export class WithWindow<A, B, K, W extends Window, M extends Mode> {
  /** @internal */
  constructor(
    private readonly windowed: TaggedWindowedStream<A, B, K, W>,
    private readonly mode: M,
  ) {}

  trigger(trigger: Trigger<TaggedUnion<A, B>, W>): this {
    this.windowed.trigger(trigger);
    return this;
  }

  evictor(evictor: Evictor<TaggedUnion<A, B>, W>): this {
    this.windowed.evictor(evictor);
    return this;
  }

  allowedLateness(ms: number): this {
    this.windowed.allowedLateness(ms);
    return this;
  }

  /**
   * join: `fn(a, b)` for every pair of records with equal keys in the same window, emitted when the
   * window fires. coGroup: `fn(as, bs, out)` once per key and window.
   */
  apply<R>(fn: JoinWindowFn<A, B, R, M>): SingleOutputStream<R> {
    const method = this.mode === 'join' ? 'join' : 'coGroup';
    if (typeof fn !== 'function' && !(fn && typeof (fn as unknown as Record<string, unknown>)[method] === 'function')) {
      throw new TypeError(`apply() takes a function or an object with a ${method}() method`);
    }
    const windowFn = this.mode === 'join' ? new JoinWindowFunction<A, B, K, W, R>(fn as JoinFn<A, B, R>) : new CoGroupWindowFunction<A, B, K, W, R>(fn as CoGroupFn<A, B, R>);
    return this.windowed.process<R>(windowFn);
  }
}

/** Splits a window's records by side, in arrival order. */
function split<A, B>(elements: readonly TaggedUnion<A, B>[]): [A[], B[]] {
  const first: A[] = [];
  const second: B[] = [];
  for (const e of elements) {
    if (e.t === 0) first.push(e.v as A);
    else second.push(e.v as B);
  }
  return [first, second];
}

/** The window function behind join() and coGroup(): the user's function gets its open() and close(). */
abstract class TwoSidedWindowFunction<A, B, K, W extends Window, R, F extends object | Function> extends ProcessWindowFunction<TaggedUnion<A, B>, R, K, W> {
  constructor(protected readonly fn: F) {
    super();
  }

  override open(ctx: RuntimeContext): void | Promise<void> {
    if (typeof this.fn !== 'function') return (this.fn as RichFunction).open?.(ctx);
  }

  override close(): void | Promise<void> {
    if (typeof this.fn !== 'function') return (this.fn as RichFunction).close?.();
  }
}

class JoinWindowFunction<A, B, K, W extends Window, R> extends TwoSidedWindowFunction<A, B, K, W, R, JoinFn<A, B, R>> {
  process(_key: K, _ctx: ProcessWindowContext<W>, elements: readonly TaggedUnion<A, B>[], out: Collector<R>): void {
    const [first, second] = split(elements);
    const fn = this.fn;
    if (typeof fn === 'function') {
      for (const a of first) for (const b of second) out.collect(fn(a, b));
    } else {
      for (const a of first) for (const b of second) out.collect(fn.join(a, b));
    }
  }
}

class CoGroupWindowFunction<A, B, K, W extends Window, R> extends TwoSidedWindowFunction<A, B, K, W, R, CoGroupFn<A, B, R>> {
  process(_key: K, _ctx: ProcessWindowContext<W>, elements: readonly TaggedUnion<A, B>[], out: Collector<R>): void {
    const [first, second] = split(elements);
    const fn = this.fn;
    if (typeof fn === 'function') fn(first, second, out);
    else fn.coGroup(first, second, out);
  }
}
