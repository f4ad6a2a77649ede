/**
 * Broadcast state: per descriptor a map that every subtask of the operator holds alike, written only
 * from the broadcast side. It is operator state: each subtask snapshots its copy as one list element
 * per descriptor, and on restore (at any parallelism) every subtask takes the first copy of each,
 * since all copies are equal (Flink restores subtask i from old subtask i mod the old parallelism).
 */
import { IllegalOperatorUsage, assignToKeyGroup, type BroadcastState, type MapStateDescriptor, type ReadOnlyBroadcastState } from '@sage/core';
import { toStateKey, type HeapKeyedStateBackend } from '../../state/heap-keyed-state-backend.js';

/** One element of the operator state list. */
interface BroadcastStateSnapshot {
  readonly name: string;
  /** [key, value] pairs. */
  readonly entries: readonly (readonly [unknown, unknown])[];
}

class HeapBroadcastState implements BroadcastState<unknown, unknown> {
  /** Normalised key → [key, value], as keyed MapState keeps them. */
  readonly map = new Map<unknown, [unknown, unknown]>();

  get(key: unknown): unknown {
    return this.map.get(toStateKey(key))?.[1];
  }

  contains(key: unknown): boolean {
    return this.map.has(toStateKey(key));
  }

  *entries(): IterableIterator<[unknown, unknown]> {
    for (const [key, value] of this.map.values()) yield [key, value];
  }

  *keys(): IterableIterator<unknown> {
    for (const [key] of this.map.values()) yield key;
  }

  *values(): IterableIterator<unknown> {
    for (const [, value] of this.map.values()) yield value;
  }

  isEmpty(): boolean {
    return this.map.size === 0;
  }

  put(key: unknown, value: unknown): void {
    this.map.set(toStateKey(key), [key, value]);
  }

  remove(key: unknown): void {
    this.map.delete(toStateKey(key));
  }

  clear(): void {
    this.map.clear();
  }
}

/** The reading half only, so a processElement cannot make one subtask's copy differ from the others. */
class ReadOnlyView implements ReadOnlyBroadcastState<unknown, unknown> {
  constructor(private readonly state: HeapBroadcastState) {}
  get(key: unknown): unknown {
    return this.state.get(key);
  }
  contains(key: unknown): boolean {
    return this.state.contains(key);
  }
  entries(): IterableIterator<[unknown, unknown]> {
    return this.state.entries();
  }
  keys(): IterableIterator<unknown> {
    return this.state.keys();
  }
  values(): IterableIterator<unknown> {
    return this.state.values();
  }
  isEmpty(): boolean {
    return this.state.isEmpty();
  }
}

export class BroadcastStates {
  private readonly states = new Map<string, { state: HeapBroadcastState; view: ReadOnlyView }>();

  constructor(
    names: readonly string[],
    private readonly operatorName: string,
    restored: readonly unknown[] | undefined,
  ) {
    for (const name of names) {
      const state = new HeapBroadcastState();
      this.states.set(name, { state, view: new ReadOnlyView(state) });
    }
    const seen = new Set<string>();
    for (const element of restored ?? []) {
      const snapshot = element as BroadcastStateSnapshot;
      const entry = this.states.get(snapshot.name);
      // Every old subtask wrote its copy; they are equal, so the first one is the state.
      if (entry === undefined || seen.has(snapshot.name)) continue;
      seen.add(snapshot.name);
      for (const [key, value] of snapshot.entries) entry.state.put(key, value);
    }
  }

  writable(descriptor: MapStateDescriptor<unknown, unknown>): BroadcastState<unknown, unknown> {
    return this.entry(descriptor).state;
  }

  readOnly(descriptor: MapStateDescriptor<unknown, unknown>): ReadOnlyBroadcastState<unknown, unknown> {
    return this.entry(descriptor).view;
  }

  /** One list element per descriptor, copied now: the checkpoint serializes it at the barrier. */
  snapshot(): BroadcastStateSnapshot[] {
    return [...this.states].map(([name, { state }]) => ({ name, entries: [...state.map.values()].map(([k, v]) => [k, v] as const) }));
  }

  private entry(descriptor: MapStateDescriptor<unknown, unknown>) {
    const entry = this.states.get(descriptor?.name);
    if (entry === undefined) {
      throw new IllegalOperatorUsage(
        `Operator '${this.operatorName}' has no broadcast state '${descriptor?.name}': pass its descriptor to broadcast(...) (it has ${[...this.states.keys()].map((n) => `'${n}'`).join(', ')})`,
      );
    }
    return entry;
  }
}

/**
 * The keys of this subtask that have state `name`. Tables keep keys normalised (objects as canonical
 * JSON); such a key is parsed back when its parsed form belongs to the key group it is stored in.
 */
export function keysWithState(backend: HeapKeyedStateBackend, name: string): unknown[] {
  const keys: unknown[] = [];
  for (const table of backend.stateTables()) {
    if (table.name !== name) continue;
    const start = backend.keyGroupRange.start;
    for (let index = 0; index < table.maps.length; index++) {
      for (const stateKey of table.maps[index]!.keys()) keys.push(originalKey(stateKey, start + index, backend.maxParallelism));
    }
  }
  return keys;
}

function originalKey(stateKey: unknown, keyGroup: number, maxParallelism: number): unknown {
  if (typeof stateKey !== 'string' || (stateKey[0] !== '{' && stateKey[0] !== '[')) return stateKey;
  let parsed: unknown;
  try {
    parsed = JSON.parse(stateKey);
  } catch {
    return stateKey;
  }
  return assignToKeyGroup(parsed, maxParallelism, '') === keyGroup ? parsed : stateKey;
}
