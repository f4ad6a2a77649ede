/**
 * The heap implementations of the keyed state interfaces. Each reads the current key and key group
 * from the backend on every call, so one state object serves every key.
 */
import type {
  AggregateFunction,
  AggregatingState,
  ListState,
  MapState,
  ReducingState,
  StateDescriptor,
  ValueState,
} from '@sage/core';
import type { HeapKeyedStateBackend, StateTable } from './heap-keyed-state-backend.js';
import { toStateKey } from './heap-keyed-state-backend.js';

abstract class HeapState<V> {
  /** The backend's flags of key groups owed to a snapshot in progress: the same array for the backend's life. */
  private readonly owed: Uint8Array;

  constructor(
    protected readonly backend: HeapKeyedStateBackend,
    protected readonly table: StateTable,
  ) {
    this.owed = backend.owed;
  }

  // Reads guard too, not only writes: what a read hands out (a list, a map, an object in a
  // ValueState) may be changed in place by the caller, and a snapshot in progress must not see that.
  protected read(): V | undefined {
    const backend = this.backend;
    const index = backend.currentKeyGroupIndex;
    // Owed: one lookup of the live entry serves both the copy and the read.
    if (this.owed[index] !== 0) return this.table.readPreserving(index, backend.currentStateKey) as V | undefined;
    return this.table.maps[index]!.get(backend.currentStateKey) as V | undefined;
  }

  protected write(value: V): void {
    const backend = this.backend;
    const index = backend.currentKeyGroupIndex;
    if (this.owed[index] !== 0) this.table.preserve(index, backend.currentStateKey);
    this.table.maps[index]!.set(backend.currentStateKey, value);
  }

  clear(): void {
    const backend = this.backend;
    const index = backend.currentKeyGroupIndex;
    if (this.owed[index] !== 0) this.table.preserve(index, backend.currentStateKey);
    this.table.maps[index]!.delete(backend.currentStateKey);
  }
}

class HeapValueState<T> extends HeapState<T> implements ValueState<T> {
  constructor(backend: HeapKeyedStateBackend, table: StateTable, private readonly defaultValue: T | undefined) {
    super(backend, table);
  }

  value(): T | undefined {
    const value = this.read();
    if (value !== undefined) return value;
    // Every key gets its own copy of a default that is an object: code that mutates what value()
    // returned would otherwise change the default of every other key.
    const fallback = this.defaultValue;
    return fallback !== null && typeof fallback === 'object' ? structuredClone(fallback) : fallback;
  }

  update(value: T): void {
    if (value === undefined) this.clear();
    else this.write(value);
  }
}

class HeapListState<T> extends HeapState<T[]> implements ListState<T> {
  get(): readonly T[] {
    return this.read() ?? [];
  }

  add(value: T): void {
    const list = this.read();
    if (list === undefined) this.write([value]);
    else list.push(value);
  }

  addAll(values: Iterable<T>): void {
    const list = this.read();
    if (list === undefined) this.write([...values]);
    else for (const value of values) list.push(value);
  }

  update(values: Iterable<T>): void {
    const list = [...values];
    if (list.length === 0) this.clear();
    else this.write(list);
  }
}

/** User keys are normalised like record keys, so object keys compare by content; the original key is kept for iteration. */
class HeapMapState<UK, UV> extends HeapState<Map<unknown, [UK, UV]>> implements MapState<UK, UV> {
  get(key: UK): UV | undefined {
    return this.read()?.get(toStateKey(key))?.[1];
  }

  put(key: UK, value: UV): void {
    let map = this.read();
    if (map === undefined) {
      map = new Map();
      this.write(map);
    }
    map.set(toStateKey(key), [key, value]);
  }

  putAll(entries: Iterable<readonly [UK, UV]>): void {
    for (const [key, value] of entries) this.put(key, value);
  }

  remove(key: UK): void {
    const map = this.read();
    if (map === undefined) return;
    map.delete(toStateKey(key));
    if (map.size === 0) this.clear();
  }

  contains(key: UK): boolean {
    return this.read()?.has(toStateKey(key)) ?? false;
  }

  *entries(): IterableIterator<[UK, UV]> {
    const map = this.read();
    if (map !== undefined) for (const [key, value] of map.values()) yield [key, value];
  }

  *keys(): IterableIterator<UK> {
    for (const [key] of this.entries()) yield key;
  }

  *values(): IterableIterator<UV> {
    for (const [, value] of this.entries()) yield value;
  }

  isEmpty(): boolean {
    return (this.read()?.size ?? 0) === 0;
  }
}

class HeapReducingState<T> extends HeapState<T> implements ReducingState<T> {
  constructor(backend: HeapKeyedStateBackend, table: StateTable, private readonly reduce: (a: T, b: T) => T) {
    super(backend, table);
  }

  get(): T | undefined {
    return this.read();
  }

  add(value: T): void {
    const current = this.read();
    this.write(current === undefined ? value : this.reduce(current, value));
  }
}

class HeapAggregatingState<IN, ACC, OUT> extends HeapState<ACC> implements AggregatingState<IN, OUT> {
  constructor(backend: HeapKeyedStateBackend, table: StateTable, private readonly fn: AggregateFunction<IN, ACC, OUT>) {
    super(backend, table);
  }

  get(): OUT | undefined {
    const accumulator = this.read();
    return accumulator === undefined ? undefined : this.fn.getResult(accumulator);
  }

  add(value: IN): void {
    const accumulator = this.read();
    this.write(this.fn.add(value, accumulator === undefined ? this.fn.createAccumulator() : accumulator));
  }
}

export function createHeapState(backend: HeapKeyedStateBackend, table: StateTable, descriptor: StateDescriptor): unknown {
  switch (descriptor.kind) {
    case 'value':
      return new HeapValueState(backend, table, descriptor.defaultValue);
    case 'list':
      return new HeapListState(backend, table);
    case 'map':
      return new HeapMapState(backend, table);
    case 'reducing':
      return new HeapReducingState(backend, table, descriptor.reduce);
    case 'aggregating':
      return new HeapAggregatingState(backend, table, descriptor.aggregate);
  }
}
