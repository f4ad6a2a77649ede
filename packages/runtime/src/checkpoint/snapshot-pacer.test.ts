import { afterEach, describe, expect, it, vi } from 'vitest';
import { SnapshotPacer, type SliceOwner } from './snapshot-pacer.js';

/** A pacer on a hand-driven clock whose deferred turns run when the test says the loop went round. */
function pacer(busyShare: number) {
  let now = 0;
  const deferred: (() => void)[] = [];
  const p = new SnapshotPacer(busyShare, () => now, (turn) => deferred.push(turn));
  return {
    pacer: p,
    /** Other work (records, I/O) takes `ms`, then the loop runs the turns deferred so far. */
    loop(ms = 0) {
      now += ms;
      for (const turn of deferred.splice(0)) turn();
    },
    /** The granted owner serializes for `ms`. */
    slice(owner: SliceOwner, ms: number) {
      p.begin(owner);
      now += ms;
      p.end(owner);
    },
    get pendingTurns() {
      return deferred.length;
    },
  };
}

function owner(name: string, grants: string[]): SliceOwner {
  return { grant: () => grants.push(name) };
}

describe('SnapshotPacer', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('grants turns back to back while the process has nothing else to do', () => {
    const grants: string[] = [];
    const t = pacer(0.25);
    const a = owner('a', grants);
    for (let i = 0; i < 3; i++) {
      t.pacer.request(a);
      t.loop();
      t.slice(a, 20);
    }
    expect(grants).toEqual(['a', 'a', 'a']);
  });

  it('holds slices to their share of the time while other work runs between them', () => {
    const grants: string[] = [];
    const t = pacer(0.25);
    const a = owner('a', grants);
    t.pacer.request(a);
    t.loop();
    expect(grants).toEqual(['a']);
    // A 9 ms key group at a quarter share is owed 27 ms of other work before the next turn.
    t.slice(a, 9);
    t.pacer.request(a);
    for (let i = 0; i < 5; i++) t.loop(5);
    expect(grants).toEqual(['a']);
    t.loop(5);
    expect(grants).toEqual(['a', 'a']);
  });

  it('gives one slice at a time to the tasks of a process, in the order they asked', () => {
    const grants: string[] = [];
    const t = pacer(0.5);
    const a = owner('a', grants);
    const b = owner('b', grants);
    t.pacer.request(a);
    t.pacer.request(b);
    t.pacer.request(a);
    t.loop();
    expect(grants).toEqual(['a']);
    t.loop();
    expect(grants).toEqual(['a']);
    t.slice(a, 1);
    t.loop();
    expect(grants).toEqual(['a', 'b']);
  });

  it('passes the turn on when a task withdraws, granted or waiting', () => {
    const grants: string[] = [];
    const t = pacer(0.5);
    const a = owner('a', grants);
    const b = owner('b', grants);
    const c = owner('c', grants);
    t.pacer.request(a);
    t.pacer.request(b);
    t.pacer.request(c);
    t.loop();
    t.pacer.withdraw(b);
    t.pacer.withdraw(a);
    t.loop();
    expect(grants).toEqual(['a', 'c']);
    expect(t.pendingTurns).toBe(0);
  });

  it('passes the turn on when a granted task does not start its slice in time, and still counts the slice it runs later', () => {
    vi.useFakeTimers();
    const grants: string[] = [];
    const t = pacer(0.5);
    const a = owner('a', grants);
    const b = owner('b', grants);
    t.pacer.request(a);
    t.pacer.request(b);
    t.loop();
    expect(grants).toEqual(['a']);
    // a's loop is busy elsewhere.
    vi.advanceTimersByTime(100);
    t.loop();
    expect(grants).toEqual(['a', 'b']);
    // a's slice runs at last, while b holds the turn: 20 ms the next turns wait off.
    t.slice(a, 20);
    t.slice(b, 0);
    t.pacer.request(a);
    t.loop(10);
    expect(grants).toEqual(['a', 'b']);
    t.loop(10);
    expect(grants).toEqual(['a', 'b', 'a']);
  });

  it('rejects a share that would starve records or snapshots', () => {
    expect(() => new SnapshotPacer(1)).toThrow(/between 0 and 1/);
    expect(() => new SnapshotPacer(0)).toThrow(/between 0 and 1/);
  });
});
