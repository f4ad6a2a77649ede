/**
 * The heap states of descriptors that enable TTL (see ttl-values.ts for how entries are stored). They
 * never return an expired value: an access that finds one removes it and answers as if it were
 * absent. Every access first moves the state's incremental cleanup on, when it has one. Entries are
 * refreshed in place once read() has kept their barrier-time copy for a snapshot in progress, so an
 * update of an existing key allocates nothing.
 */
import {
  UpdateType,
  type AggregateFunction,
  type AggregatingState,
  type ListState,
  type MapState,
  type ReducingState,
  type StateDescriptor,
  type StateTtlConfig,
  type ValueState,
} from '@sage/core';
import type { HeapKeyedStateBackend, StateTable } from './heap-keyed-state-backend.js';
import { toStateKey } from './heap-keyed-state-backend.js';
import { HeapState } from './heap-state-base.js';
import { TtlIncrementalCleanup } from './ttl-incremental-cleanup.js';
import { pruneExpired, pruneList, type TtlList, type TtlMap, type TtlValue } from './ttl-values.js';

abstract class TtlHeapState<V> extends HeapState<V> {
  protected readonly ttl: number;
  /** OnReadAndWrite: a read restarts the TTL of what it returns. */
  protected readonly updateOnRead: boolean;
  private readonly cleanup: TtlIncrementalCleanup | undefined;

  constructor(backend: HeapKeyedStateBackend, table: StateTable, config: StateTtlConfig, cleanup: TtlIncrementalCleanup | undefined) {
    super(backend, table);
    this.ttl = config.ttl;
    this.updateOnRead = config.updateType === UpdateType.OnReadAndWrite;
    this.cleanup = cleanup;
  }

  /** The processing time of this access, after the incremental cleanup step it pays for. */
  protected now(): number {
    const now = this.backend.ttlTimeProvider.currentTimestamp();
    if (this.cleanup !== undefined) this.cleanup.run(now);
    return now;
  }

  /** The current key's unexpired TtlValue, refreshed if reads restart the TTL; an expired one is removed. */
  protected readLive(now: number): TtlValue<unknown> | undefined {
    const stored = this.read() as TtlValue<unknown> | undefined;
    if (stored === undefined) return undefined;
    if (stored.t + this.ttl <= now) {
      this.clear();
      return undefined;
    }
    if (this.updateOnRead) stored.t = now;
    return stored;
  }

  /** Stores `value` for the current key with its TTL starting `now`. */
  protected writeValue(value: unknown, now: number): void {
    const stored = this.read() as TtlValue<unknown> | undefined;
    if (stored === undefined) this.write({ v: value, t: now } as V);
    else {
      stored.v = value;
      stored.t = now;
    }
  }
}

class TtlHeapValueState<T> extends TtlHeapState<TtlValue<T>> implements ValueState<T> {
  constructor(
    backend: HeapKeyedStateBackend,
    table: StateTable,
    config: StateTtlConfig,
    cleanup: TtlIncrementalCleanup | undefined,
    private readonly defaultValue: T | undefined,
  ) {
    super(backend, table, config, cleanup);
  }

  value(): T | undefined {
    const stored = this.readLive(this.now());
    if (stored !== undefined) return stored.v as T;
    const fallback = this.defaultValue;
    return fallback !== null && typeof fallback === 'object' ? structuredClone(fallback) : fallback;
  }

  update(value: T): void {
    if (value === undefined) this.clear();
    else this.writeValue(value, this.now());
  }
}

class TtlHeapReducingState<T> extends TtlHeapState<TtlValue<T>> implements ReducingState<T> {
  constructor(
    backend: HeapKeyedStateBackend,
    table: StateTable,
    config: StateTtlConfig,
    cleanup: TtlIncrementalCleanup | undefined,
    private readonly reduce: (a: T, b: T) => T,
  ) {
    super(backend, table, config, cleanup);
  }

  get(): T | undefined {
    return this.readLive(this.now())?.v as T | undefined;
  }

  add(value: T): void {
    const now = this.now();
    const current = this.readLive(now);
    this.writeValue(current === undefined ? value : this.reduce(current.v as T, value), now);
  }
}

class TtlHeapAggregatingState<IN, ACC, OUT> extends TtlHeapState<TtlValue<ACC>> implements AggregatingState<IN, OUT> {
  constructor(
    backend: HeapKeyedStateBackend,
    table: StateTable,
    config: StateTtlConfig,
    cleanup: TtlIncrementalCleanup | undefined,
    private readonly fn: AggregateFunction<IN, ACC, OUT>,
  ) {
    super(backend, table, config, cleanup);
  }

  get(): OUT | undefined {
    const stored = this.readLive(this.now());
    return stored === undefined ? undefined : this.fn.getResult(stored.v as ACC);
  }

  add(value: IN): void {
    const now = this.now();
    const current = this.readLive(now);
    this.writeValue(this.fn.add(value, current === undefined ? this.fn.createAccumulator() : (current.v as ACC)), now);
  }
}

/** TTL per element: an element expires `ttl` after it was added (or, with OnReadAndWrite, last read). */
class TtlHeapListState<T> extends TtlHeapState<TtlList<T>> implements ListState<T> {
  get(): readonly T[] {
    const now = this.now();
    const stored = this.read();
    if (stored === undefined) return [];
    if (pruneList(stored, now - this.ttl)) {
      this.clear();
      return [];
    }
    if (this.updateOnRead) stored.t.fill(now);
    return stored.v;
  }

  add(value: T): void {
    const now = this.now();
    const stored = this.read();
    if (stored === undefined) this.write({ v: [value], t: [now] });
    else {
      stored.v.push(value);
      stored.t.push(now);
    }
  }

  addAll(values: Iterable<T>): void {
    const now = this.now();
    let stored = this.read();
    for (const value of values) {
      if (stored === undefined) this.write((stored = { v: [], t: [] }));
      stored.v.push(value);
      stored.t.push(now);
    }
  }

  update(values: Iterable<T>): void {
    const now = this.now();
    const list = [...values];
    if (list.length === 0) this.clear();
    else this.write({ v: list, t: new Array<number>(list.length).fill(now) });
  }
}

/** TTL per map entry: an entry expires `ttl` after it was put (or, with OnReadAndWrite, last read). */
class TtlHeapMapState<UK, UV> extends TtlHeapState<TtlMap<UK, UV>> implements MapState<UK, UV> {
  get(key: UK): UV | undefined {
    return this.liveEntry(key, this.now())?.[1].v;
  }

  contains(key: UK): boolean {
    return this.liveEntry(key, this.now()) !== undefined;
  }

  put(key: UK, value: UV): void {
    const now = this.now();
    let map = this.read();
    if (map === undefined) {
      map = new Map();
      this.write(map);
    }
    const stateKey = toStateKey(key);
    const entry = map.get(stateKey);
    if (entry === undefined) map.set(stateKey, [key, { v: value, t: now }]);
    else {
      entry[0] = key;
      entry[1].v = value;
      entry[1].t = now;
    }
  }

  putAll(entries: Iterable<readonly [UK, UV]>): void {
    for (const [key, value] of entries) this.put(key, value);
  }

  remove(key: UK): void {
    this.now();
    const map = this.read();
    if (map === undefined) return;
    map.delete(toStateKey(key));
    if (map.size === 0) this.clear();
  }

  *entries(): IterableIterator<[UK, UV]> {
    const now = this.now();
    const map = this.read();
    if (map === undefined) return;
    const limit = now - this.ttl;
    // Deleting the entry just visited does not disturb a Map iterator.
    for (const [stateKey, entry] of map) {
      const stored = entry[1];
      if (stored.t <= limit) {
        map.delete(stateKey);
        continue;
      }
      if (this.updateOnRead) stored.t = now;
      yield [entry[0], stored.v];
    }
    // Only if the caller has not moved on to another key meanwhile.
    if (map.size === 0 && this.read() === map) this.clear();
  }

  *keys(): IterableIterator<UK> {
    for (const [key] of this.entries()) yield key;
  }

  *values(): IterableIterator<UV> {
    for (const [, value] of this.entries()) yield value;
  }

  isEmpty(): boolean {
    const now = this.now();
    const map = this.read();
    if (map === undefined) return true;
    if (!pruneExpired('map', map, this.ttl, now)) return false;
    this.clear();
    return true;
  }

  /** The user key's unexpired [key, TtlValue], refreshed if reads restart the TTL; an expired one is removed. */
  private liveEntry(key: UK, now: number): [UK, TtlValue<UV>] | undefined {
    const map = this.read();
    if (map === undefined) return undefined;
    const stateKey = toStateKey(key);
    const entry = map.get(stateKey);
    if (entry === undefined) return undefined;
    if (entry[1].t + this.ttl <= now) {
      map.delete(stateKey);
      if (map.size === 0) this.clear();
      return undefined;
    }
    if (this.updateOnRead) entry[1].t = now;
    return entry;
  }
}

export function createTtlHeapState(
  backend: HeapKeyedStateBackend,
  table: StateTable,
  descriptor: StateDescriptor,
  config: StateTtlConfig,
  cleanup: TtlIncrementalCleanup | undefined,
): unknown {
  switch (descriptor.kind) {
    case 'value':
      return new TtlHeapValueState(backend, table, config, cleanup, descriptor.defaultValue);
    case 'list':
      return new TtlHeapListState(backend, table, config, cleanup);
    case 'map':
      return new TtlHeapMapState(backend, table, config, cleanup);
    case 'reducing':
      return new TtlHeapReducingState(backend, table, config, cleanup, descriptor.reduce);
    case 'aggregating':
      return new TtlHeapAggregatingState(backend, table, config, cleanup, descriptor.aggregate);
  }
}
