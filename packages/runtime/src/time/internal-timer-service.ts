/**
 * Timers of one keyed operator (Flink's InternalTimerService): event-time timers fire as the watermark
 * passes them, processing-time timers through the task's mailbox. A timer belongs to a key and fires
 * once per (key, timestamp) however often it is registered.
 *
 * Timers are keyed state: each domain keeps a state table, per key group, from the key to
 * `[key, timestamp, …]`, so they are snapshotted (copy-on-write, in slices) and restored, also at
 * another parallelism, with the rest of the key group. The heap that orders them is rebuilt from
 * the tables on restore; a deleted timer stays in the heap until it surfaces (it is checked against
 * the table then) or the heap is compacted.
 */
import type { HeapKeyedStateBackend, StateTable } from '../state/heap-keyed-state-backend.js';
import type { ProcessingTimeService, ScheduledTimer } from './processing-time-service.js';
import { TimerHeap, type TimerNode } from './timer-heap.js';

export interface InternalTimer {
  readonly timestamp: number;
  readonly key: unknown;
}

/** What a timer service calls when a timer fires; the backend's current key is the timer's key by then. */
export interface Triggerable {
  onEventTime(timer: InternalTimer): void;
  onProcessingTime(timer: InternalTimer): void;
}

/** State tables of timers are named with this prefix; user state names may not start with it. */
export const TIMER_STATE_PREFIX = '__timers/';

export class InternalTimerService {
  currentWatermark = Number.NEGATIVE_INFINITY;
  private readonly eventTimers: TimerQueue;
  private readonly processingTimers: TimerQueue;
  private scheduled: ScheduledTimer | undefined = undefined;
  private scheduledAt = Number.POSITIVE_INFINITY;

  constructor(
    name: string,
    private readonly backend: HeapKeyedStateBackend,
    private readonly processingTime: ProcessingTimeService,
    private readonly triggerable: Triggerable,
  ) {
    this.eventTimers = new TimerQueue(backend, backend.internalTable(`${TIMER_STATE_PREFIX}${name}/event`));
    this.processingTimers = new TimerQueue(backend, backend.internalTable(`${TIMER_STATE_PREFIX}${name}/processing`));
    this.scheduleNextProcessingTimer();
  }

  currentProcessingTime(): number {
    return this.processingTime.getCurrentProcessingTime();
  }

  /** For the backend's current key. */
  registerEventTimeTimer(timestamp: number): void {
    this.eventTimers.add(checkTimestamp(timestamp));
  }

  deleteEventTimeTimer(timestamp: number): void {
    this.eventTimers.remove(timestamp);
  }

  registerProcessingTimeTimer(timestamp: number): void {
    if (this.processingTimers.add(checkTimestamp(timestamp)) && timestamp < this.scheduledAt) this.schedule(timestamp);
  }

  deleteProcessingTimeTimer(timestamp: number): void {
    this.processingTimers.remove(timestamp);
  }

  /** Fires, in timestamp order, every event-time timer at or below `watermark`, including those registered meanwhile. */
  advanceWatermark(watermark: number): void {
    this.currentWatermark = watermark;
    const queue = this.eventTimers;
    for (let timer = queue.pollUpTo(watermark); timer !== undefined; timer = queue.pollUpTo(watermark)) {
      this.backend.setCurrentKey(timer.key);
      this.triggerable.onEventTime(timer);
    }
  }

  /** Event-time timers registered, for tests and metrics. */
  get eventTimerCount(): number {
    return this.eventTimers.live;
  }

  get processingTimerCount(): number {
    return this.processingTimers.live;
  }

  private readonly onProcessingTime = (): void => {
    this.scheduled = undefined;
    this.scheduledAt = Number.POSITIVE_INFINITY;
    const now = this.processingTime.getCurrentProcessingTime();
    const queue = this.processingTimers;
    for (let timer = queue.pollUpTo(now); timer !== undefined; timer = queue.pollUpTo(now)) {
      this.backend.setCurrentKey(timer.key);
      this.triggerable.onProcessingTime(timer);
    }
    this.scheduleNextProcessingTimer();
  };

  private scheduleNextProcessingTimer(): void {
    const next = this.processingTimers.nextTimestamp();
    if (next !== undefined && next < this.scheduledAt) this.schedule(next);
  }

  private schedule(timestamp: number): void {
    this.scheduled?.cancel();
    this.scheduledAt = timestamp;
    this.scheduled = this.processingTime.registerTimer(timestamp, this.onProcessingTime);
  }
}

/** The timers of one time domain: the state table is the truth, the heap the order. */
class TimerQueue {
  private readonly heap = new TimerHeap();
  /** Timers in the table; the heap may hold more (deleted ones not yet surfaced). */
  live = 0;

  constructor(
    private readonly backend: HeapKeyedStateBackend,
    private readonly table: StateTable,
  ) {
    this.rebuild();
  }

  /** Adds a timer for the current key; false when it was there already. */
  add(timestamp: number): boolean {
    const backend = this.backend;
    const index = backend.currentKeyGroupIndex;
    const stateKey = backend.currentStateKey;
    const map = this.table.maps[index]!;
    const entry = map.get(stateKey) as unknown[] | undefined;
    if (entry !== undefined && indexOfTimestamp(entry, timestamp) > 0) return false;
    if (backend.owed[index] !== 0) this.table.preserve(index, stateKey);
    if (entry === undefined) map.set(stateKey, [backend.currentKey, timestamp]);
    else entry.push(timestamp);
    this.live++;
    this.heap.push({ timestamp, key: backend.currentKey, keyGroupIndex: index, stateKey });
    return true;
  }

  /** Removes the current key's timer at `timestamp`, if there is one. */
  remove(timestamp: number): void {
    const backend = this.backend;
    if (this.removeEntry(backend.currentKeyGroupIndex, backend.currentStateKey, timestamp)) this.compactIfSparse();
  }

  /** Takes the earliest timer at or below `upTo` out of the queue. */
  pollUpTo(upTo: number): TimerNode | undefined {
    const heap = this.heap;
    for (let node = heap.peek(); node !== undefined && node.timestamp <= upTo; node = heap.peek()) {
      heap.pop();
      // A node without its table entry was deleted (or fired through a duplicate node): skip it.
      if (this.removeEntry(node.keyGroupIndex, node.stateKey, node.timestamp)) return node;
    }
    return undefined;
  }

  nextTimestamp(): number | undefined {
    const heap = this.heap;
    for (let node = heap.peek(); node !== undefined; node = heap.peek()) {
      const entry = this.table.maps[node.keyGroupIndex]!.get(node.stateKey) as unknown[] | undefined;
      if (entry !== undefined && indexOfTimestamp(entry, node.timestamp) > 0) return node.timestamp;
      heap.pop();
    }
    return undefined;
  }

  private removeEntry(index: number, stateKey: unknown, timestamp: number): boolean {
    const map = this.table.maps[index]!;
    const entry = map.get(stateKey) as unknown[] | undefined;
    if (entry === undefined) return false;
    const at = indexOfTimestamp(entry, timestamp);
    if (at < 0) return false;
    if (this.backend.owed[index] !== 0) this.table.preserve(index, stateKey);
    if (entry.length === 2) map.delete(stateKey);
    else entry.splice(at, 1);
    this.live--;
    return true;
  }

  /** Deleted timers would otherwise pile up in the heap of a job that keeps moving its timers. */
  private compactIfSparse(): void {
    if (this.heap.size > 2 * this.live + 1024) this.rebuild();
  }

  private rebuild(): void {
    const nodes: TimerNode[] = [];
    const maps = this.table.maps;
    for (let index = 0; index < maps.length; index++) {
      for (const [stateKey, entry] of maps[index]!) {
        const timers = entry as unknown[];
        for (let i = 1; i < timers.length; i++) nodes.push({ timestamp: timers[i] as number, key: timers[0], keyGroupIndex: index, stateKey });
      }
    }
    this.live = nodes.length;
    this.heap.reset(nodes);
  }
}

/** Position of `timestamp` among the timestamps of `[key, t1, t2, …]`, or -1. */
function indexOfTimestamp(entry: readonly unknown[], timestamp: number): number {
  for (let i = 1; i < entry.length; i++) if (entry[i] === timestamp) return i;
  return -1;
}

function checkTimestamp(timestamp: number): number {
  if (typeof timestamp !== 'number' || Number.isNaN(timestamp)) {
    throw new TypeError(`A timer needs a timestamp in milliseconds, got ${String(timestamp)}`);
  }
  return timestamp;
}
