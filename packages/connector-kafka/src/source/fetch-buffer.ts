/**
 * The records a reader has fetched and not yet emitted, in fetch order, as chunks of one partition
 * each. It holds at most `capacity` records: the fetcher pushes only what fits and the rest of a
 * fetch as room appears, and fetches a partition again only once all of its last fetch is in (see
 * fetch/partition-fetcher.ts), so a backpressured job stops fetching instead of buffering without
 * bound.
 */
import type { SourceOutput } from '@sage/core';
import type { FetchedRecords } from './fetch/fetched-records.js';

/** A partition this reader owns, and how far it has got. */
export interface PartitionState {
  readonly topic: string;
  readonly partition: number;
  /** The next offset to emit: what a checkpoint stores. Only pollNext moves it. */
  position: number;
  /** The next offset to fetch: just after the last record or marker buffered. */
  fetchPosition: number;
  /** Bounded mode: the offset the partition ends at. */
  readonly stoppingOffset: number | undefined;
  /**
   * Where the reader emits this partition's records: its own split output (its own watermark
   * generator), set at the first poll after the reader took the partition on. Undefined when the
   * ReaderOutput has no split outputs, or the partition is finished: records then go to the
   * ReaderOutput of the poll.
   */
  output?: SourceOutput<unknown>;
}

export interface FetchedChunk {
  readonly split: PartitionState;
  /** One fetch's records of the partition; a chunk is a range of them. */
  readonly records: FetchedRecords;
  /** Index of the next record to emit. */
  next: number;
  /** Index after the last record that belongs to the chunk. */
  readonly end: number;
  /**
   * The partition's position once the chunk is emitted: past its last record, and past the control
   * records and aborted transactions the fetch left out after it, which never reach the reader.
   */
  readonly endPosition: number;
}

export class FetchBuffer {
  private chunks: FetchedChunk[] = [];
  private head = 0;
  private records = 0;
  /** The most records held at once: for tests that check the bound. */
  private peak = 0;
  private waiter: (() => void) | undefined;
  private waiting: Promise<void> | undefined;
  /** The fetcher waiting for room (whenRoom), if any. */
  private roomWaiter: { readonly room: number; readonly resolve: (hasRoom: boolean) => void } | undefined;

  constructor(readonly capacity: number) {}

  get size(): number {
    return this.records;
  }

  get peakSize(): number {
    return this.peak;
  }

  get room(): number {
    return Math.max(0, this.capacity - this.records);
  }

  get isEmpty(): boolean {
    return this.head === this.chunks.length;
  }

  push(chunk: FetchedChunk): void {
    this.chunks.push(chunk);
    this.records += chunk.end - chunk.next;
    if (this.records > this.peak) this.peak = this.records;
    this.wake();
  }

  peek(): FetchedChunk | undefined {
    return this.head < this.chunks.length ? this.chunks[this.head] : undefined;
  }

  /** Drops the head chunk once it is emitted. */
  shift(): void {
    this.head++;
    if (this.head === this.chunks.length) {
      this.chunks = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.chunks.length) {
      this.chunks = this.chunks.slice(this.head);
      this.head = 0;
    }
  }

  /** Counts records the reader emitted (or skipped) from the head chunk. */
  consumed(count: number): void {
    this.records -= count;
    const waiter = this.roomWaiter;
    if (waiter !== undefined && this.room >= waiter.room) {
      this.roomWaiter = undefined;
      waiter.resolve(true);
    }
  }

  /**
   * Resolves true once the buffer has room for `records` (capped at its capacity), false after
   * `timeoutMs` or when the buffer is cleared. One waiter at a time: the fetcher's.
   */
  whenRoom(records: number, timeoutMs: number): Promise<boolean> {
    const wanted = Math.min(records, this.capacity);
    if (this.room >= wanted) return Promise.resolve(true);
    if (timeoutMs <= 0) return Promise.resolve(false);
    this.roomWaiter?.resolve(false);
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => {
        this.roomWaiter = undefined;
        resolve(false);
      }, timeoutMs);
      this.roomWaiter = {
        room: wanted,
        resolve: (hasRoom) => {
          clearTimeout(timer);
          resolve(hasRoom);
        },
      };
    });
  }

  /** Drops everything buffered (the reader is closing); the peak stays for metrics. */
  clear(): void {
    this.chunks = [];
    this.head = 0;
    this.records = 0;
    const waiter = this.roomWaiter;
    this.roomWaiter = undefined;
    waiter?.resolve(false);
  }

  /** Resolves when a chunk arrives, or when `wake()` is called for another reason (a failure). */
  whenNonEmpty(): Promise<void> {
    if (!this.isEmpty) return Promise.resolve();
    this.waiting ??= new Promise<void>((resolve) => (this.waiter = resolve));
    return this.waiting;
  }

  wake(): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    this.waiting = undefined;
    waiter?.();
  }
}
