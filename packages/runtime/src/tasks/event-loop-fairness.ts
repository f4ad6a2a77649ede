/**
 * Tasks in one process hand work to each other through promises, which run as microtasks; a busy
 * pipeline could keep the microtask queue full and starve timers and I/O (heartbeats, checkpoint
 * triggers, sockets). Every task loop therefore yields to the event loop when it has held it for a
 * few milliseconds.
 */
import { performance } from 'node:perf_hooks';

const SLICE_MS = 5;
let sliceStart = performance.now();

export function shouldYield(): boolean {
  return performance.now() - sliceStart > SLICE_MS;
}

export function yieldToEventLoop(): Promise<void> {
  return new Promise<void>((resolve) =>
    setImmediate(() => {
      sliceStart = performance.now();
      resolve();
    }),
  );
}
