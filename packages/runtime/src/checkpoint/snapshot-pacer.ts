/**
 * Shares a process's one event loop between records and snapshot serialization. Every task of a
 * process (a TaskManager's slots, a LocalCluster's whole job) runs on that loop, so pacing is per
 * process, not per task: one slice at a time, tasks taking turns in the order they asked.
 *
 * While other work runs between slices (records, I/O), serialization earns `busyShare` of the time:
 * every millisecond of other work earns busyShare / (1 - busyShare) ms of credit, a slice spends
 * what it took, and a turn waits while the credit is below zero. A key group is serialized in one
 * go and may take longer than a slice, so the credit goes negative and the next turns wait it off.
 * When nothing else ran between two turns the process is idle and the turn is granted at once, so
 * an idle process serializes back to back: the share caps what serialization takes from records,
 * never what it takes from idle time.
 *
 * Why a share at all: a 200 MB snapshot costs over a second of CPU. Each task used to run a slice of
 * at least a key group (~9 ms in place) at every turn of the loop, and a slice used up the time slice
 * of the task's records too, so records got a third of the time or less.
 */
import { performance } from 'node:perf_hooks';

/** Whoever asks for a turn: `grant` is called, once, when the turn is theirs. */
export interface SliceOwner {
  grant(): void;
}

/** Below this much time between two turns, nothing else wanted the loop. */
const IDLE_GAP_MS = 1;
/** Credit never grows beyond this, so a long idle stretch does not buy a burst of slices. */
const MAX_CREDIT_MS = 10;
/**
 * A granted task whose loop has not started the slice by then is busy elsewhere (a mail awaiting
 * I/O, a sink's commit): the turn passes on, so it does not hold up the other tasks' snapshots.
 * Its slice still runs when its loop gets to it, and still counts.
 */
const GRANT_TIMEOUT_MS = 100;

export class SnapshotPacer {
  private readonly waiting: SliceOwner[] = [];
  private granted: SliceOwner | undefined = undefined;
  private grantTimer: ReturnType<typeof setTimeout> | undefined = undefined;
  private turnScheduled = false;
  private credit = 0;
  /** Time up to which other work has been credited. */
  private accountedUntil: number;
  private sliceStartedAt = 0;
  /** Credit earned per ms of other work. */
  private readonly rate: number;

  constructor(
    /** Of the time other work wants, the part serialization may take: 0 < busyShare < 1. */
    busyShare: number,
    private readonly now: () => number = () => performance.now(),
    /** How a turn is deferred until the loop has run what is queued (tests run it by hand). */
    private readonly defer: (turn: () => void) => void = setImmediate,
  ) {
    if (!(busyShare > 0 && busyShare < 1)) throw new RangeError(`busyShare must be between 0 and 1, not ${busyShare}`);
    this.rate = busyShare / (1 - busyShare);
    this.accountedUntil = now();
  }

  /** `owner` wants a slice; its `grant` runs at its turn. Asking again while waiting is a no-op. */
  request(owner: SliceOwner): void {
    if (this.granted === owner || this.waiting.includes(owner)) return;
    this.waiting.push(owner);
    this.scheduleTurn();
  }

  /** `owner` will not run the slice it asked for or was granted (its task ended): the next one goes. */
  withdraw(owner: SliceOwner): void {
    const index = this.waiting.indexOf(owner);
    if (index >= 0) this.waiting.splice(index, 1);
    if (this.granted === owner) this.passTurn();
  }

  /** `owner` starts the slice it was granted (perhaps after its turn passed on: it still counts). */
  begin(owner: SliceOwner): void {
    if (this.granted === owner) {
      clearTimeout(this.grantTimer);
      this.grantTimer = undefined;
    }
    const now = this.now();
    this.credit = Math.min(MAX_CREDIT_MS, this.credit + (now - this.accountedUntil) * this.rate);
    this.accountedUntil = now;
    this.sliceStartedAt = now;
  }

  /** `owner`'s slice is over. */
  end(owner: SliceOwner): void {
    const now = this.now();
    this.credit -= now - this.sliceStartedAt;
    this.accountedUntil = now;
    if (this.granted === owner) this.passTurn();
  }

  private passTurn(): void {
    clearTimeout(this.grantTimer);
    this.grantTimer = undefined;
    this.granted = undefined;
    this.scheduleTurn();
  }

  private readonly grantExpired = (): void => {
    this.grantTimer = undefined;
    if (this.granted !== undefined) this.passTurn();
  };

  private scheduleTurn(): void {
    if (this.turnScheduled || this.granted !== undefined || this.waiting.length === 0) return;
    this.turnScheduled = true;
    this.defer(this.turn);
  }

  private readonly turn = (): void => {
    this.turnScheduled = false;
    if (this.granted !== undefined || this.waiting.length === 0) return;
    const now = this.now();
    const other = now - this.accountedUntil;
    this.credit = other < IDLE_GAP_MS ? Math.max(this.credit, 0) : Math.min(MAX_CREDIT_MS, this.credit + other * this.rate);
    this.accountedUntil = now;
    if (this.credit < 0) {
      this.turnScheduled = true;
      this.defer(this.turn);
      return;
    }
    const owner = this.waiting.shift()!;
    this.granted = owner;
    // unref: a process that is otherwise done does not wait for it.
    this.grantTimer = setTimeout(this.grantExpired, GRANT_TIMEOUT_MS).unref();
    owner.grant();
  };
}

/**
 * Of the time records want, snapshots take at most half while they are being serialized. Not much
 * less: a key group owed to a snapshot keeps a copy of every entry records touch, so a checkpoint
 * that lasts longer costs records more (checkpoint/keyed-state-200mb kept the same throughput at 0.3
 * with checkpoints half as long again; with min pause it kept less).
 */
export const SNAPSHOT_BUSY_SHARE = 0.5;

/** The process's pacer: every task of the process shares it. */
export const snapshotPacer = new SnapshotPacer(SNAPSHOT_BUSY_SHARE);
