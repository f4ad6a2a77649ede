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
  type StateTtlConfig,
} from '@sage/core';
import { createHeapState } from './heap-states.js';
import { IncompatibleStateTtl } from './incompatible-state-ttl.js';
import { deserializeKeyGroup } from './key-group-serializer.js';
import type { KeyedStateSnapshot } from './keyed-state-snapshot.js';
import { ABSENT_AT_BARRIER, PendingKeyedSnapshot } from './pending-keyed-snapshot.js';
import { copyStateValue } from './state-value-copy.js';
import { createTtlHeapState } from './ttl-heap-states.js';
import { TtlIncrementalCleanup } from './ttl-incremental-cleanup.js';
import { SYSTEM_TTL_TIME_PROVIDER, type TtlTimeProvider } from './ttl-time-provider.js';

export class StateTable {
  /** One map per owned key group, indexed by `keyGroup - range.start`; keys are normalised state keys. */
  readonly maps: Map<unknown, unknown>[];
  /**
   * While a snapshot that includes this table is in progress: per key group index, the entries as
   * they were at the barrier for the keys accessed since (see PendingKeyedSnapshot).
   */
  preserved: (Map<unknown, unknown> | undefined)[] | undefined = undefined;
  /** The TTL config of the descriptor that asked for this state, once one has (a restored table has none before). */
  ttlConfig: StateTtlConfig | undefined = undefined;

  constructor(
    readonly name: string,
    readonly kind: StateKind,
    keyGroupCount: number,
    /** Entries are stored with their TTL timestamps (see ttl-values.ts). */
    readonly ttl: boolean,
    /** Created from a checkpoint rather than by a descriptor: names the cause when a descriptor does not match. */
    readonly restored: boolean,
  ) {
    this.maps = Array.from({ length: keyGroupCount }, () => new Map());
  }

  /**
   * Key group `index` is owed to a snapshot and `key` is about to be read or changed: keep a copy of
   * its entry as of the barrier, once. A copy, because what a read hands out (a list, a map, an
   * object) may be changed in place by the caller.
   */
  preserve(index: number, key: unknown): void {
    const preserved = this.preserved;
    if (preserved === undefined) return; // created after the barrier: not in the snapshot
    let kept = preserved[index];
    if (kept === undefined) preserved[index] = kept = new Map();
    else if (kept.has(key)) return;
    const value = this.maps[index]!.get(key);
    kept.set(key, value === undefined ? ABSENT_AT_BARRIER : copyStateValue(value));
  }

  /** preserve(index, key), then the live entry, which the caller is about to read. */
  readPreserving(index: number, key: unknown): unknown {
    const value = this.maps[index]!.get(key);
    const preserved = this.preserved;
    if (preserved === undefined) return value;
    let kept = preserved[index];
    if (kept === undefined) preserved[index] = kept = new Map();
    else if (kept.has(key)) return value;
    kept.set(key, value === undefined ? ABSENT_AT_BARRIER : copyStateValue(value));
    return value;
  }
}

export class HeapKeyedStateBackend {
  /** The key of the record being processed, as the user's key selector returned it. */
  currentKey: unknown = undefined;
  /** currentKey normalised to a Map key (objects and arrays become canonical strings). */
  currentStateKey: unknown = undefined;
  /** Index of the current key's group in every table's `maps`. */
  currentKeyGroupIndex = 0;
  /**
   * 1 at a key group index while its state is owed to the snapshot in progress: every state access
   * checks it and, when set, has the entry's barrier-time value kept before it reads or changes it.
   */
  readonly owed: Uint8Array;
  private readonly tables = new Map<string, StateTable>();
  private readonly states = new Map<string, unknown>();
  private pending: PendingKeyedSnapshot | undefined;
  /** Incremental TTL cleanups that run for every record, not only on access; undefined while there are none. */
  private recordCleanups: TtlIncrementalCleanup[] | undefined = undefined;

  constructor(
    readonly keyGroupRange: KeyGroupRange,
    readonly maxParallelism: number,
    /** Names the operator in errors. */
    private readonly operatorName: string,
    /** The processing-time clock of state TTL; tests set a manual one. */
    public ttlTimeProvider: TtlTimeProvider = SYSTEM_TTL_TIME_PROVIDER,
  ) {
    this.owed = new Uint8Array(keyGroupRange.end - keyGroupRange.start + 1);
  }

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
    if (this.recordCleanups !== undefined) this.cleanUpForRecord();
  }

  private cleanUpForRecord(): void {
    const now = this.ttlTimeProvider.currentTimestamp();
    for (const cleanup of this.recordCleanups!) cleanup.run(now);
  }

  getState<D extends StateDescriptor>(descriptor: D): StateFor<D> {
    const existing = this.states.get(descriptor.name);
    const ttlConfig = descriptor.getTtlConfig();
    const ttl = ttlConfig.isEnabled();
    const table = this.table(descriptor.name, descriptor.kind, ttl, false);
    if (existing !== undefined) return existing as StateFor<D>;
    const state = ttl ? this.createTtlState(table, descriptor, ttlConfig) : createHeapState(this, table, descriptor);
    this.states.set(descriptor.name, state);
    return state as StateFor<D>;
  }

  private createTtlState(table: StateTable, descriptor: StateDescriptor, config: StateTtlConfig): unknown {
    table.ttlConfig = config;
    const incremental = config.cleanupStrategies.incremental;
    const cleanup = incremental === undefined ? undefined : new TtlIncrementalCleanup(table, this.owed, config.ttl, incremental.cleanupSize);
    if (cleanup !== undefined && incremental!.runCleanupForEveryRecord) (this.recordCleanups ??= []).push(cleanup);
    return createTtlHeapState(this, table, descriptor, config, cleanup);
  }

  /**
   * A table for state the runtime keeps per key (timers, window bookkeeping), snapshotted and restored
   * with the user's state. Its values must be plain data: arrays, objects, numbers, strings.
   */
  internalTable(name: string): StateTable {
    return this.table(name, 'value', false, false);
  }

  /** Every table, for snapshots. */
  stateTables(): IterableIterator<StateTable> {
    return this.tables.values();
  }

  /**
   * Starts a snapshot at a barrier, between two records: marks every key group with entries as owed
   * and returns at once; the task's slices serialize the key groups while accesses keep copies of the
   * entries they touch (see PendingKeyedSnapshot). A snapshot still in progress is finished first, since
   * a key group can be owed to one snapshot at a time; with one checkpoint at a time (the default)
   * that happens only after a checkpoint was aborted without the task hearing of it yet.
   */
  beginSnapshot(): PendingKeyedSnapshot {
    if (this.pending !== undefined && !this.pending.done) this.pending.serializeAll();
    this.pending = new PendingKeyedSnapshot(
      this.owed,
      [...this.tables.values()],
      this.keyGroupRange.start,
      this.maxParallelism,
      this.ttlTimeProvider.currentTimestamp(),
    );
    return this.pending;
  }

  /** Every state's entries by key group, serialized at once (tests, and tasks that end). */
  snapshot(): KeyedStateSnapshot {
    const pending = this.beginSnapshot();
    pending.serializeAll();
    return pending.result();
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
      const tables = snapshot.states.map((state) => this.table(state.name, state.kind, state.ttl === true, true));
      for (const [keyGroup, chunk] of snapshot.keyGroups) {
        // Only the key groups this subtask owns are decoded.
        if (keyGroup < this.keyGroupRange.start || keyGroup > this.keyGroupRange.end) continue;
        const index = keyGroup - this.keyGroupRange.start;
        const states = deserializeKeyGroup(chunk);
        for (let s = 0; s < tables.length; s++) {
          const entries = states[s];
          if (entries === null || entries === undefined) continue;
          const map = tables[s]!.maps[index]!;
          if (tables[s]!.kind === 'map') {
            for (let i = 0; i < entries.length; i += 2) map.set(entries[i], restoreMapStateValue(entries[i + 1] as readonly unknown[]));
          } else {
            for (let i = 0; i < entries.length; i += 2) map.set(entries[i], entries[i + 1]);
          }
        }
      }
    }
  }

  private table(name: string, kind: StateKind, ttl: boolean, restored: boolean): StateTable {
    let table = this.tables.get(name);
    if (table === undefined) {
      table = new StateTable(name, kind, this.keyGroupRange.end - this.keyGroupRange.start + 1, ttl, restored);
      this.tables.set(name, table);
    } else if (table.kind !== kind) {
      throw new IllegalOperatorUsage(
        `Operator '${this.operatorName}' asked for state '${name}' as ${kind} state, but it is ${table.kind} state: give each state its own name`,
      );
    } else if (table.ttl !== ttl) {
      throw new IncompatibleStateTtl(this.operatorName, name, ttl, table.restored || restored);
    }
    return table;
  }
}

/** A MapState value from its flat `[user key, user value, …]` form (see key-group-serializer.ts). */
function restoreMapStateValue(flat: readonly unknown[]): Map<unknown, [unknown, unknown]> {
  const map = new Map<unknown, [unknown, unknown]>();
  for (let i = 0; i < flat.length; i += 2) map.set(toStateKey(flat[i]), [flat[i], flat[i + 1]]);
  return map;
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
