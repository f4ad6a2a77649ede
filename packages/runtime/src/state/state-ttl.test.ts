import { describe, expect, it } from 'vitest';
import {
  AggregatingStateDescriptor,
  keyGroupRangeForSubtask,
  ListStateDescriptor,
  MapStateDescriptor,
  ReducingStateDescriptor,
  StateTtlConfig,
  UpdateType,
  ValueStateDescriptor,
  type StateTtlConfigBuilder,
} from '@sage/core';
import { deserializeOperatorSnapshot, serializeOperatorSnapshot } from '../checkpoint/operator-snapshot.js';
import { HeapKeyedStateBackend } from './heap-keyed-state-backend.js';
import type { KeyedStateSnapshot } from './keyed-state-snapshot.js';
import { ManualTtlTimeProvider } from './ttl-time-provider.js';

const MAX = 128;

function backend(clock: ManualTtlTimeProvider, parallelism = 1, subtask = 0): HeapKeyedStateBackend {
  return new HeapKeyedStateBackend(keyGroupRangeForSubtask(MAX, parallelism, subtask), MAX, 'Test', clock);
}

/** A TTL of 100 ms, with no background cleanup unless a test adds it, so expiry on access is what is tested. */
function ttl(configure: (b: StateTtlConfigBuilder) => StateTtlConfigBuilder = (b) => b): StateTtlConfig {
  return configure(StateTtlConfig.newBuilder(100).disableCleanupInBackground()).build();
}

function withTtl<D extends { enableTimeToLive(c: StateTtlConfig): void }>(descriptor: D, config: StateTtlConfig = ttl()): D {
  descriptor.enableTimeToLive(config);
  return descriptor;
}

/** Entries a state holds across all key groups, expired or not. */
function entryCount(b: HeapKeyedStateBackend, name: string): number {
  for (const table of b.stateTables()) if (table.name === name) return table.maps.reduce((n, m) => n + m.size, 0);
  return 0;
}

/** A snapshot as it goes through checkpoint storage and back. */
function throughStorage(snapshot: KeyedStateSnapshot): KeyedStateSnapshot {
  return deserializeOperatorSnapshot(serializeOperatorSnapshot(undefined, snapshot)).keyed!;
}

describe('state TTL: expiry', () => {
  it('expires a ValueState ttl ms after its last write, not its last read, with OnCreateAndWrite', () => {
    const clock = new ManualTtlTimeProvider(1_000);
    const b = backend(clock);
    const count = b.getState(withTtl(new ValueStateDescriptor<number>('count', 0)));
    b.setCurrentKey('a');
    count.update(5);
    clock.now = 1_050;
    expect(count.value()).toBe(5);
    count.update(6); // restarts the TTL at 1050
    clock.now = 1_149;
    expect(count.value()).toBe(6);
    clock.now = 1_150;
    expect(count.value()).toBe(0); // expired: the default, never the old value
    expect(entryCount(b, 'count')).toBe(0);
  });

  it('restarts the TTL on every read with OnReadAndWrite', () => {
    const clock = new ManualTtlTimeProvider(0);
    const b = backend(clock);
    const last = b.getState(withTtl(new ValueStateDescriptor<string>('last'), ttl((t) => t.setUpdateType(UpdateType.OnReadAndWrite))));
    b.setCurrentKey('a');
    last.update('x');
    for (const at of [90, 180, 270]) {
      clock.now = at;
      expect(last.value()).toBe('x');
    }
    clock.now = 370;
    expect(last.value()).toBeUndefined();
  });

  it('expires ListState elements one by one', () => {
    const clock = new ManualTtlTimeProvider(0);
    const b = backend(clock);
    const seen = b.getState(withTtl(new ListStateDescriptor<string>('seen')));
    b.setCurrentKey(7);
    seen.add('a');
    clock.now = 40;
    seen.addAll(['b', 'c']);
    clock.now = 60;
    seen.add('d');
    clock.now = 100;
    expect(seen.get()).toEqual(['b', 'c', 'd']);
    clock.now = 140;
    expect(seen.get()).toEqual(['d']);
    seen.update(['e', 'f']);
    clock.now = 239;
    expect(seen.get()).toEqual(['e', 'f']);
    clock.now = 240;
    expect(seen.get()).toEqual([]);
    expect(entryCount(b, 'seen')).toBe(0);
  });

  it('expires MapState entries per user key', () => {
    const clock = new ManualTtlTimeProvider(0);
    const b = backend(clock);
    const tags = b.getState(withTtl(new MapStateDescriptor<{ id: number }, string>('tags')));
    b.setCurrentKey('user-1');
    tags.put({ id: 1 }, 'one');
    clock.now = 60;
    tags.put({ id: 2 }, 'two');
    clock.now = 100;
    expect(tags.get({ id: 1 })).toBeUndefined();
    expect(tags.contains({ id: 1 })).toBe(false);
    expect(tags.get({ id: 2 })).toBe('two');
    expect([...tags.entries()]).toEqual([[{ id: 2 }, 'two']]);
    expect(tags.isEmpty()).toBe(false);
    clock.now = 160;
    expect([...tags.keys()]).toEqual([]);
    expect(tags.isEmpty()).toBe(true);
    expect(entryCount(b, 'tags')).toBe(0);
  });

  it('starts a ReducingState and an AggregatingState afresh once their accumulator expired', () => {
    const clock = new ManualTtlTimeProvider(0);
    const b = backend(clock);
    const sum = b.getState(withTtl(new ReducingStateDescriptor<number>('sum', (x, y) => x + y)));
    const average = b.getState(
      withTtl(
        new AggregatingStateDescriptor<number, [number, number], number>('average', {
          createAccumulator: () => [0, 0],
          add: (value, acc) => [acc[0] + value, acc[1] + 1],
          getResult: (acc) => acc[0] / acc[1],
        }),
      ),
    );
    b.setCurrentKey('k');
    for (const value of [1, 2, 6]) {
      sum.add(value);
      average.add(value);
      clock.now += 50; // each add restarts the TTL
    }
    expect(sum.get()).toBe(9);
    expect(average.get()).toBe(3);
    clock.now += 50; // 100 ms after the last add
    expect(sum.get()).toBeUndefined();
    expect(average.get()).toBeUndefined();
    sum.add(10);
    average.add(10);
    expect(sum.get()).toBe(10);
    expect(average.get()).toBe(10);
  });

  it('leaves states without TTL alone however much time passes', () => {
    const clock = new ManualTtlTimeProvider(0);
    const b = backend(clock);
    const plain = b.getState(new ValueStateDescriptor<number>('plain'));
    b.setCurrentKey('a');
    plain.update(1);
    clock.now = 1e12;
    expect(plain.value()).toBe(1);
  });
});

describe('state TTL: cleanup', () => {
  /** Writes one new key per ms for `keys` ms, as a stream of ever new session ids would. */
  function writeNewKeys(b: HeapKeyedStateBackend, clock: ManualTtlTimeProvider, config: StateTtlConfig, keys: number): void {
    const session = b.getState(withTtl(new ValueStateDescriptor<number>('session'), config));
    for (let key = 0; key < keys; key++) {
      clock.now = key;
      b.setCurrentKey(`session-${key}`);
      session.update(key);
    }
  }

  it('incremental cleanup keeps state bounded by the keys written within the TTL', () => {
    const clock = new ManualTtlTimeProvider(0);
    const cleaned = backend(clock);
    writeNewKeys(cleaned, clock, StateTtlConfig.newBuilder(100).cleanupIncrementally(10, false).build(), 20_000);
    // 100 keys are within the TTL; the cursor lags behind by at most a few visits of a key group.
    expect(entryCount(cleaned, 'session')).toBeLessThanOrEqual(250);

    const uncleaned = backend(clock);
    writeNewKeys(uncleaned, clock, ttl(), 20_000);
    expect(entryCount(uncleaned, 'session')).toBe(20_000);
  });

  it('cleans up for every record when asked, even records that do not touch the state', () => {
    const clock = new ManualTtlTimeProvider(0);
    const b = backend(clock);
    writeNewKeys(b, clock, StateTtlConfig.newBuilder(100).cleanupIncrementally(10, true).build(), 1_000);
    const before = entryCount(b, 'session');
    clock.now = 10_000;
    for (let i = 0; i < 200; i++) b.setCurrentKey(`other-${i}`);
    expect(before).toBeGreaterThan(0);
    expect(entryCount(b, 'session')).toBe(0);
  });

  it('incremental cleanup drops expired list elements and map entries but keeps the live ones', () => {
    const clock = new ManualTtlTimeProvider(0);
    const b = backend(clock);
    const config = StateTtlConfig.newBuilder(100).cleanupIncrementally(1_000, false).build();
    const seen = b.getState(withTtl(new ListStateDescriptor<number>('seen'), config));
    const tags = b.getState(withTtl(new MapStateDescriptor<string, number>('tags'), config));
    for (let key = 0; key < 50; key++) {
      b.setCurrentKey(key);
      seen.add(key);
      tags.put('old', key);
    }
    clock.now = 60;
    b.setCurrentKey(0);
    seen.add(-1);
    tags.put('new', -1);
    clock.now = 120;
    b.setCurrentKey(1);
    // One access to each state runs its cleanup over every entry (1000 per access).
    seen.get();
    tags.get('new');
    expect(entryCount(b, 'seen')).toBe(1);
    expect(entryCount(b, 'tags')).toBe(1);
    b.setCurrentKey(0);
    expect(seen.get()).toEqual([-1]);
    expect([...tags.entries()]).toEqual([['new', -1]]);
  });

  it('leaves expired entries out of a snapshot with cleanupFullSnapshot, and keeps them without', () => {
    for (const fullSnapshot of [true, false]) {
      const clock = new ManualTtlTimeProvider(0);
      const b = backend(clock);
      const config = ttl((t) => (fullSnapshot ? t.cleanupFullSnapshot() : t));
      const count = b.getState(withTtl(new ValueStateDescriptor<number>('count'), config));
      const seen = b.getState(withTtl(new ListStateDescriptor<number>('seen'), config));
      const tags = b.getState(withTtl(new MapStateDescriptor<string, number>('tags'), config));
      for (let key = 0; key < 100; key++) {
        clock.now = key < 50 ? 0 : 80;
        b.setCurrentKey(key);
        count.update(key);
        seen.add(key);
        tags.put('a', key);
      }
      clock.now = 150;
      b.setCurrentKey(99);
      seen.add(1_000);
      tags.put('b', 1_000);
      const snapshot = throughStorage(b.snapshot()); // at 150: keys 0..49 expired at 100

      // Restored with the clock back at 0, where nothing counts as expired: what the snapshot holds shows.
      const restored = backend(new ManualTtlTimeProvider(0));
      restored.restore([snapshot]);
      const kept = fullSnapshot ? 50 : 100;
      expect(entryCount(restored, 'count')).toBe(kept);
      expect(entryCount(restored, 'seen')).toBe(kept);
      expect(entryCount(restored, 'tags')).toBe(kept);
      restored.setCurrentKey(99);
      expect(restored.getState(withTtl(new ListStateDescriptor<number>('seen'), config)).get()).toEqual([99, 1_000]);
      expect([...restored.getState(withTtl(new MapStateDescriptor<string, number>('tags'), config)).entries()]).toEqual([
        ['a', 99],
        ['b', 1_000],
      ]);
      // The live state was not changed by the snapshot's filtering.
      expect(entryCount(b, 'count')).toBe(100);
    }
  });
});

describe('state TTL: snapshots and restore', () => {
  it('keeps timestamps across a restore, so state expires when it would have without one', () => {
    const clock = new ManualTtlTimeProvider(1_000);
    const b = backend(clock);
    const descriptor = withTtl(new ValueStateDescriptor<string>('last'));
    b.setCurrentKey('a');
    b.getState(descriptor).update('x');
    const snapshot = throughStorage(b.snapshot());

    const restoredClock = new ManualTtlTimeProvider(1_099);
    const restored = backend(restoredClock);
    restored.restore([snapshot]);
    const last = restored.getState(withTtl(new ValueStateDescriptor<string>('last')));
    restored.setCurrentKey('a');
    expect(last.value()).toBe('x');
    restoredClock.now = 1_100;
    expect(last.value()).toBeUndefined();
  });

  it('snapshots the value at the barrier when a TTL entry is updated in place while the snapshot is serialized', () => {
    const clock = new ManualTtlTimeProvider(0);
    const b = backend(clock);
    const count = b.getState(withTtl(new ValueStateDescriptor<number>('count')));
    const tags = b.getState(withTtl(new MapStateDescriptor<string, string>('tags')));
    b.setCurrentKey('a');
    count.update(1);
    tags.put('x', 'before');
    const pending = b.beginSnapshot();
    clock.now = 10;
    count.update(2);
    tags.put('x', 'after');
    pending.serializeAll();
    const restored = backend(new ManualTtlTimeProvider(50));
    restored.restore([throughStorage(pending.result())]);
    restored.setCurrentKey('a');
    expect(restored.getState(withTtl(new ValueStateDescriptor<number>('count'))).value()).toBe(1);
    expect(restored.getState(withTtl(new MapStateDescriptor<string, string>('tags'))).get('x')).toBe('before');
    // Written at 0 before the barrier: expired at 100 after the restore, although the live entry was rewritten at 10.
    const later = backend(new ManualTtlTimeProvider(100));
    later.restore([throughStorage(pending.result())]);
    later.setCurrentKey('a');
    expect(later.getState(withTtl(new ValueStateDescriptor<number>('count'))).value()).toBeUndefined();
  });

  it('refuses to restore a state with TTL into a descriptor without it, and the other way round', () => {
    const clock = new ManualTtlTimeProvider(0);
    const plain = backend(clock);
    plain.setCurrentKey('a');
    plain.getState(new ValueStateDescriptor<number>('count')).update(1);
    const withoutTtl = throughStorage(plain.snapshot());
    const timed = backend(clock);
    timed.setCurrentKey('a');
    timed.getState(withTtl(new ValueStateDescriptor<number>('count'))).update(1);
    const withTtlSnapshot = throughStorage(timed.snapshot());

    const a = backend(clock);
    a.restore([withoutTtl]);
    expect(() => a.getState(withTtl(new ValueStateDescriptor<number>('count')))).toThrow(
      "Operator 'Test' asked for state 'count' with TTL, but the checkpoint being restored holds it without TTL. " +
        'Turning TTL on or off changes how the state is stored and Sage does not migrate it: remove enableTimeToLive() ' +
        'from the descriptor to restore the state as it is, or give the descriptor a new name to start that state empty',
    );
    const b = backend(clock);
    b.restore([withTtlSnapshot]);
    expect(() => b.getState(new ValueStateDescriptor<number>('count'))).toThrow(
      /asked for state 'count' without TTL, but the checkpoint being restored holds it with TTL\..*call enableTimeToLive\(\) on the descriptor/,
    );
    // Matching descriptors restore as before.
    const c = backend(clock);
    c.restore([withTtlSnapshot]);
    c.setCurrentKey('a');
    expect(c.getState(withTtl(new ValueStateDescriptor<number>('count'))).value()).toBe(1);
  });

  it('refuses two descriptors of one name that disagree on TTL', () => {
    const b = backend(new ManualTtlTimeProvider(0));
    b.getState(new ListStateDescriptor<number>('seen'));
    expect(() => b.getState(withTtl(new ListStateDescriptor<number>('seen')))).toThrow(
      "Operator 'Test' asked for state 'seen' with TTL, but another descriptor of that name created it without TTL: give both descriptors the same TTL setting, or different names",
    );
  });
});
