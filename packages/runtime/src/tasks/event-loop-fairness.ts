/**
 * Tasks in one process hand work to each other through promises, which run as microtasks; a busy
 * pipeline could keep the microtask queue full and starve timers and I/O (heartbeats, checkpoint
 * triggers, sockets). Every task loop therefore yields to the event loop when it has held it for a
 * few milliseconds.
 */
import { performance } from 'node:perf_hooks';

const SLICE_MS = 5;
let sliceStart = performance.now();

export function shouldYield(now = performance.now()): boolean {
  return now - sliceStart > SLICE_MS;
}

export function yieldToEventLoop(): Promise<void> {
  return new Promise<void>((resolve) =>
    setImmediate(() => {
      sliceStart = performance.now();
      resolve();
    }),
  );
}

/** Time between two clock reads that SliceCheck aims for. */
const CHECK_EVERY_MS = 0.5;
const MAX_STRIDE = 1024;

/**
 * Says, in the middle of an input step (one poll of a source reader, one batch from the network),
 * that the time slice is spent, so the step can end there and the task loop can flush and yield.
 * Nothing else can: a timer does not run while the step holds the event loop, and one step can cost
 * seconds when the operators spend a millisecond a record. Only every `stride` records does it read
 * the clock; the stride adapts so that reads come about every CHECK_EVERY_MS, which keeps the check
 * to a decrement per record for cheap operators and bounds a step by ~a slice for costly ones.
 */
export class SliceCheck {
  /** Records that may pass before the next clock read; a batch loop runs this many without a check. */
  countdown = 1;
  private stride = 1;
  private checkedAt = performance.now();

  /** Called after each record: true when the step should end now. */
  recordDone(): boolean {
    return --this.countdown > 0 ? false : this.check();
  }

  /** Called after `count` records, at most `countdown`: true when the step should end now. */
  recordsDone(count: number): boolean {
    this.countdown -= count;
    return this.countdown > 0 ? false : this.check();
  }

  private check(): boolean {
    const now = performance.now();
    const elapsed = now - this.checkedAt;
    this.checkedAt = now;
    if (elapsed > CHECK_EVERY_MS) {
      // Time between steps (waiting, other tasks) counts here too, so the stride may shrink for no
      // reason now and then; it doubles back within a few checks.
      this.stride = Math.max(1, Math.floor((this.stride * CHECK_EVERY_MS) / elapsed));
    } else if (elapsed < CHECK_EVERY_MS / 2 && this.stride < MAX_STRIDE) {
      this.stride *= 2;
    }
    this.countdown = this.stride;
    return now - sliceStart > SLICE_MS;
  }
}
