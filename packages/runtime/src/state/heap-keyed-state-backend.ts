/**
 * Keyed state on the heap, organised by key group: every state has one Map per key group this subtask
 * owns, so a snapshot is written per key group and a restore at another parallelism takes whole key
 * groups. The operator sets the current key before calling user code; state objects read it from here.
 */
import {
  IllegalOperatorUsage,
  assignToKeyGroup,
  type KeyGroupRange,
  type StateDescriptor,
  type StateFor,
  type StateKind,
} from '@sage/core';
import { createHeapState } from './heap-states.js';
import type { KeyedStateSnapshot } from './keyed-state-snapshot.js';

export class StateTable {
  /** One map per owned key group, indexed by `keyGroup - range.start`; keys are normalised state keys. */
  readonly maps: Map<unknown, unknown>[];

  constructor(
    readonly name: string,
    readonly kind: StateKind,
    keyGroupCount: number,
  ) {
    this.maps = Array.from({ length: keyGroupCount }, () => new Map());
  }
}

export class HeapKeyedStateBackend {
  /** The key of the record being processed, as the user's key selector returned it. */
  currentKey: unknown = undefined;
  /** currentKey normalised to a Map key (objects and arrays become canonical strings). */
  currentStateKey: unknown = undefined;
  /** Index of the current key's group in every table's `maps`. */
  currentKeyGroupIndex = 0;
  private readonly tables = new Map<string, StateTable>();
  private readonly states = new Map<string, unknown>();

  constructor(
    readonly keyGroupRange: KeyGroupRange,
    readonly maxParallelism: number,
    /** Names the operator in errors. */
    private readonly operatorName: string,
  ) {}

  setCurrentKey(key: unknown): void {
    const keyGroup = assignToKeyGroup(key, this.maxParallelism, this.operatorName);
    const index = keyGroup - this.keyGroupRange.start;
    if (index < 0 || keyGroup > this.keyGroupRange.end) {
      throw new IllegalOperatorUsage(
        `Operator '${this.operatorName}' received key ${JSON.stringify(key)} of key group ${keyGroup}, outside its range ` +
          `${this.keyGroupRange.start}-${this.keyGroupRange.end}: the key selector must return the same key for a record every time it is called`,
      );
    }
    this.currentKey = key;
    this.currentStateKey = toStateKey(key);
    this.currentKeyGroupIndex = index;
  }

  getState<D extends StateDescriptor>(descriptor: D): StateFor<D> {
    const existing = this.states.get(descriptor.name);
    const table = this.table(descriptor.name, descriptor.kind);
    if (existing !== undefined) return existing as StateFor<D>;
    const state = createHeapState(this, table, descriptor);
    this.states.set(descriptor.name, state);
    return state as StateFor<D>;
  }

  /** Every table, for snapshots. */
  stateTables(): IterableIterator<StateTable> {
    return this.tables.values();
  }

  /**
   * A copy of every state's entries by key group, taken synchronously between two records. Values
   * are shared, not cloned: the snapshot must be serialized before the task mutates state again in
   * place (list and map states are mutated in place).
   */
  snapshot(): KeyedStateSnapshot {
    const states = [...this.tables.values()].map((table) => ({
      name: table.name,
      kind: table.kind,
      keyGroups: table.maps.flatMap((map, index) =>
        map.size === 0 ? [] : [[this.keyGroupRange.start + index, [...map.entries()]] as const],
      ),
    }));
    return { maxParallelism: this.maxParallelism, states };
  }

  /**
   * Loads the key groups this subtask owns from snapshots of any number of subtasks (after a rescale,
   * a subtask's key groups come from one or more old subtasks); entries of other key groups are skipped.
   */
  restore(snapshots: readonly KeyedStateSnapshot[]): void {
    for (const snapshot of snapshots) {
      if (snapshot.maxParallelism !== this.maxParallelism) {
        throw new IllegalOperatorUsage(
          `Operator '${this.operatorName}' cannot restore state written with maxParallelism ${snapshot.maxParallelism} ` +
            `into maxParallelism ${this.maxParallelism}: keep the job's maxParallelism when restoring`,
        );
      }
      for (const state of snapshot.states) {
        const table = this.table(state.name, state.kind);
        for (const [keyGroup, entries] of state.keyGroups) {
          if (keyGroup < this.keyGroupRange.start || keyGroup > this.keyGroupRange.end) continue;
          const map = table.maps[keyGroup - this.keyGroupRange.start]!;
          for (const [key, value] of entries) map.set(key, value);
        }
      }
    }
  }

  private table(name: string, kind: StateKind): StateTable {
    let table = this.tables.get(name);
    if (table === undefined) {
      table = new StateTable(name, kind, this.keyGroupRange.end - this.keyGroupRange.start + 1);
      this.tables.set(name, table);
    } else if (table.kind !== kind) {
      throw new IllegalOperatorUsage(
        `Operator '${this.operatorName}' asked for state '${name}' as ${kind} state, but it is ${table.kind} state: give each state its own name`,
      );
    }
    return table;
  }
}

/** Map keys compare by identity for objects; keys that are objects or arrays are compared by content. */
export function toStateKey(key: unknown): unknown {
  return key !== null && typeof key === 'object' ? canonicalJson(key) : key;
}

function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return v;
    const sorted: Record<string, unknown> = {};
    for (const name of Object.keys(v).sort()) sorted[name] = (v as Record<string, unknown>)[name];
    return sorted;
  });
}
