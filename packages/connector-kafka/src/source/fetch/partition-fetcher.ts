/**
 * Fetches a reader's partitions from their leaders into the reader's FetchBuffer with Fetch requests
 * of its own (read_committed), over kafkajs's connections (BrokerConnections), from the reader's own
 * fetch positions: group membership (group-membership.ts) never decides where a partition is read
 * from, so rebalances neither repeat nor skip records.
 *
 * One request is in flight per leader, for every partition of that leader that is ready; a
 * response is decoded lazily (record-batches.ts, fetched-records.ts) and pushed as one chunk per
 * partition. Backpressure: the buffer never holds more than its capacity; what does not fit is
 * pushed piece by piece as the reader makes room (FetchBuffer.whenRoom), and a partition is fetched
 * again only once all of its last response is in. If the buffer stays full for maxWaitTimeMs, that
 * counts as a backpressure pause (a metric); fetching of those partitions resumes by itself as the
 * reader drains, with no sleep in between.
 *
 * Errors, per partition: an offset out of range (retention deleted the records) restarts at the
 * earliest offset; stale leadership and lost connections reload metadata and retry with backoff,
 * failing the reader only after `client.retries` failures in a row; anything else (authorization
 * included) fails it at once.
 */
import { protocolError, type BrokerConnections } from '../../common/kafkajs-internals.js';
import { KafkaSourceError } from '../errors.js';
import type { FetchBuffer, PartitionState } from '../fetch-buffer.js';
import type { ResolvedKafkaSourceOptions } from '../options.js';
import { partitionKey } from '../partition-split.js';
import { decodeFetchResponse, encodeFetchRequest, FETCH, type FetchedPartition, type FetchResponse, type FetchTopic } from './fetch-request.js';
import { FetchedRecords } from './fetched-records.js';
import { appendRecordBatches, countRecords, decompressAsync } from './record-batches.js';

export interface PartitionFetcherSpec {
  readonly connections: BrokerConnections;
  readonly options: ResolvedKafkaSourceOptions;
  readonly buffer: FetchBuffer;
  /** The reader's partitions, by partitionKey (it may add some); the fetcher moves their fetchPosition. */
  readonly partitions: ReadonlyMap<string, PartitionState>;
  /** The partition's earliest retained offset (ListOffsets), for an offset out of range. */
  readonly earliestOffset: (topic: string, partition: number) => Promise<number>;
  /** Called once when fetching stops on an error it will not recover from. */
  readonly onFailure: (error: KafkaSourceError) => void;
  /** Each time the buffer stayed full for maxWaitTimeMs while a response waited for room. */
  readonly onPause?: () => void;
}

/** A partition's fetched records not yet in the buffer. */
interface Remainder {
  readonly split: PartitionState;
  readonly records: FetchedRecords;
  next: number;
  readonly end: number;
  readonly endPosition: number;
}

const OFFSET_OUT_OF_RANGE = 1;
/** Errors that mean the metadata is stale or the leader is briefly away: reload it and retry. */
const RETRIABLE_CODES = new Set([
  3, // UNKNOWN_TOPIC_OR_PARTITION
  5, // LEADER_NOT_AVAILABLE
  6, // NOT_LEADER_OR_FOLLOWER
  9, // REPLICA_NOT_AVAILABLE
  56, // KAFKA_STORAGE_ERROR
  74, // FENCED_LEADER_EPOCH
  75, // UNKNOWN_LEADER_EPOCH
]);
const AUTHORIZATION_CODES = new Set([29 /* TOPIC_AUTHORIZATION_FAILED */, 31 /* CLUSTER_AUTHORIZATION_FAILED */]);
const LEADER_NOT_AVAILABLE = 5;
/** kafkajs's retry as the source configures it: 100 ms doubling up to 1 s, ±20 %. */
const INITIAL_RETRY_MS = 100;
const MAX_RETRY_MS = 1000;

export class PartitionFetcher {
  /** Leader node id by partitionKey, from the last metadata load. */
  private leaders = new Map<string, number>();
  private readonly inFlight = new Set<number>();
  /** Partitions in a request in flight, with a remainder, or being reset: not fetched meanwhile. */
  private readonly busy = new Set<PartitionState>();
  private remainders: Remainder[] = [];
  private draining = false;
  private pausedForRoom = false;
  private readonly failures = new Map<PartitionState, number>();
  private readonly retryAt = new Map<PartitionState, number>();
  private retryTimer: NodeJS.Timeout | undefined;
  private refreshing: Promise<void> | undefined;
  private lastRefreshError: Error | undefined;
  private rotation = 0;
  private stopped = false;
  private failed = false;

  constructor(private readonly spec: PartitionFetcherSpec) {}

  /** Loads the leaders of the reader's partitions and starts fetching. */
  async start(): Promise<void> {
    await this.spec.connections.ensureTopics(this.topics());
    this.loadLeaders();
    this.schedule();
  }

  /** Stops fetching; a response still in flight is dropped when it arrives. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.remainders = [];
  }

  /** Partitions not being fetched now: waiting for room in the buffer, or bounded and done. */
  get pausedPartitions(): number {
    let paused = 0;
    for (const p of this.spec.partitions.values()) if (isFinishedFetching(p)) paused++;
    for (const r of this.remainders) if (!isFinishedFetching(r.split)) paused++;
    return paused;
  }

  /** Sends a request to every leader that has none in flight, for its partitions that are ready. */
  schedule(): void {
    if (this.stopped || this.failed) return;
    const now = Date.now();
    let nextRetry = Infinity;
    let byLeader: Map<number, PartitionState[]> | undefined;
    for (const p of this.spec.partitions.values()) {
      if (isFinishedFetching(p) || this.busy.has(p)) continue;
      const at = this.retryAt.get(p);
      if (at !== undefined && at > now) {
        nextRetry = Math.min(nextRetry, at);
        continue;
      }
      const leader = this.leaders.get(partitionKey(p.topic, p.partition));
      if (leader === undefined || leader < 0) {
        nextRetry = Math.min(nextRetry, this.retryLater(p, protocolError(LEADER_NOT_AVAILABLE)));
        continue;
      }
      if (this.inFlight.has(leader)) continue;
      byLeader ??= new Map();
      const list = byLeader.get(leader);
      if (list === undefined) byLeader.set(leader, [p]);
      else list.push(p);
    }
    if (byLeader !== undefined) {
      for (const [leader, list] of byLeader) {
        this.fetchFrom(leader, list).catch((error: unknown) =>
          this.fail(new KafkaSourceError('FetchFailed', `KafkaSource: fetching from broker ${leader} failed: ${(error as Error)?.message ?? String(error)}`, error)),
        );
      }
    }
    if (this.failed) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    if (nextRetry !== Infinity) {
      this.retryTimer = setTimeout(() => this.schedule(), Math.max(0, nextRetry - Date.now()));
      this.retryTimer.unref();
    }
  }

  private async fetchFrom(leader: number, list: PartitionState[]): Promise<void> {
    this.inFlight.add(leader);
    for (const p of list) this.busy.add(p);
    // Another partition first each time, so that a response cut at maxBytes serves all of them in turn.
    const first = this.rotation++ % list.length;
    const ordered = first === 0 ? list : [...list.slice(first), ...list.slice(0, first)];
    const { consumer, client } = this.spec.options;
    const byTopic = new Map<string, { partition: number; fetchOffset: number; maxBytes: number }[]>();
    const offsets = new Map<string, number>();
    for (const p of ordered) {
      const entry = { partition: p.partition, fetchOffset: p.fetchPosition, maxBytes: consumer.maxBytesPerPartition };
      offsets.set(partitionKey(p.topic, p.partition), p.fetchPosition);
      const partitions = byTopic.get(p.topic);
      if (partitions === undefined) byTopic.set(p.topic, [entry]);
      else partitions.push(entry);
    }
    const topics: FetchTopic[] = [...byTopic].map(([topic, partitions]) => ({ topic, partitions }));
    let response: FetchResponse;
    try {
      response = await this.spec.connections.send(
        leader,
        FETCH,
        () => encodeFetchRequest({ maxWaitMs: consumer.maxWaitTimeMs, minBytes: 1, maxBytes: consumer.maxBytes, topics }),
        decodeFetchResponse,
        { requestTimeoutMs: client.requestTimeoutMs + consumer.maxWaitTimeMs },
      );
    } catch (error) {
      this.inFlight.delete(leader);
      for (const p of list) this.busy.delete(p);
      if (this.stopped) return;
      this.onRequestError(list, error);
      this.schedule();
      return;
    }
    this.inFlight.delete(leader);
    if (this.stopped) return;
    const answered = new Set<PartitionState>();
    for (const fetched of response.partitions) {
      const key = partitionKey(fetched.topic, fetched.partition);
      const p = this.spec.partitions.get(key);
      const fetchOffset = offsets.get(key);
      if (p === undefined || fetchOffset === undefined || answered.has(p)) continue;
      answered.add(p);
      try {
        await this.onPartition(p, fetched, fetchOffset);
      } catch (error) {
        this.busy.delete(p);
        this.fail(new KafkaSourceError('FetchFailed', `KafkaSource: cannot read partition ${p.partition} of '${p.topic}': ${(error as Error).message}`, error));
      }
      if (this.stopped || this.failed) return;
    }
    for (const p of list) if (!answered.has(p)) this.busy.delete(p);
    this.schedule();
  }

  /** One partition's part of a response; the partition stays busy until all of its records are pushed. */
  private async onPartition(p: PartitionState, fetched: FetchedPartition, fetchOffset: number): Promise<void> {
    const code = fetched.errorCode;
    if (code !== 0) {
      this.busy.delete(p);
      this.onPartitionError(p, code);
      return;
    }
    this.failures.delete(p);
    this.retryAt.delete(p);
    const bytes = fetched.records;
    const decompressed = bytes.length > 0 ? await decompressAsync(bytes, fetchOffset) : undefined;
    if (this.stopped) return;
    const records = new FetchedRecords(countRecords(bytes));
    const next = appendRecordBatches(bytes, fetchOffset, fetched.abortedTransactions, records, decompressed);
    let end = records.count;
    let endPosition = next;
    const stopping = p.stoppingOffset;
    if (stopping !== undefined) {
      while (end > 0 && records.offsets[end - 1]! >= stopping) end--;
      endPosition = Math.min(endPosition, stopping);
    }
    if (end === 0 && endPosition <= p.fetchPosition) {
      this.busy.delete(p);
      return;
    }
    this.remainders.push({ split: p, records, next: 0, end, endPosition });
    this.pushRemainders();
    if (this.remainders.length > 0 && !this.draining) void this.drain();
  }

  /** Pushes remainders in order while they fit; a partition whose remainder is all in is ready again. */
  private pushRemainders(): boolean {
    let done = false;
    while (this.remainders.length > 0) {
      const r = this.remainders[0]!;
      if (!this.pushPart(r)) break;
      this.remainders.shift();
      this.busy.delete(r.split);
      done = true;
    }
    return done;
  }

  /** Pushes as much of `r` as fits; true when all of it is in. */
  private pushPart(r: Remainder): boolean {
    const buffer = this.spec.buffer;
    const room = buffer.room;
    const p = r.split;
    if (r.end - r.next <= room) {
      buffer.push({ split: p, records: r.records, next: r.next, end: r.end, endPosition: r.endPosition });
      if (r.endPosition > p.fetchPosition) p.fetchPosition = r.endPosition;
      return true;
    }
    if (room > 0) {
      const end = r.next + room;
      const endPosition = r.records.offsets[end - 1]! + 1;
      buffer.push({ split: p, records: r.records, next: r.next, end, endPosition });
      p.fetchPosition = endPosition;
      r.next = end;
    }
    return false;
  }

  /** Waits for room for the remainders, pushing as it appears. */
  private async drain(): Promise<void> {
    this.draining = true;
    const buffer = this.spec.buffer;
    const waitMs = this.spec.options.consumer.maxWaitTimeMs;
    try {
      while (!this.stopped && this.remainders.length > 0) {
        const r = this.remainders[0]!;
        const hasRoom = await buffer.whenRoom(Math.min(r.end - r.next, buffer.capacity / 2), waitMs);
        if (this.stopped) return;
        if (!hasRoom && !this.pausedForRoom) {
          this.pausedForRoom = true;
          this.spec.onPause?.();
        }
        if (this.pushRemainders()) this.schedule();
      }
    } finally {
      this.draining = false;
      this.pausedForRoom = false;
    }
  }

  private onPartitionError(p: PartitionState, code: number): void {
    if (code === OFFSET_OUT_OF_RANGE) {
      this.busy.add(p);
      void this.restartAtEarliest(p);
      return;
    }
    const error = protocolError(code);
    if (RETRIABLE_CODES.has(code)) {
      this.retryLater(p, error);
      return;
    }
    const hint = AUTHORIZATION_CODES.has(code) ? ' — grant this client read (and describe) access to the topic' : '';
    this.fail(new KafkaSourceError('FetchFailed', `KafkaSource: the broker refused to fetch partition ${p.partition} of '${p.topic}': ${error.message} (${error.type})${hint}`, error));
  }

  /** Retention deleted the records at the fetch position: go on from the oldest one left, as kafkajs's consumer did (fromBeginning). */
  private async restartAtEarliest(p: PartitionState): Promise<void> {
    try {
      const earliest = await this.spec.earliestOffset(p.topic, p.partition);
      if (this.stopped) return;
      p.fetchPosition = earliest;
    } catch (error) {
      this.retryLater(p, error as Error);
    } finally {
      this.busy.delete(p);
    }
    this.schedule();
  }

  private onRequestError(list: readonly PartitionState[], error: unknown): void {
    const { name, host, port, retriable } = (error ?? {}) as { name?: string; host?: string; port?: number; retriable?: boolean };
    if (name === 'KafkaJSConnectionClosedError' && host !== undefined && port !== undefined) this.spec.connections.forgetBroker({ host, port });
    const connectionLost = name === 'KafkaJSConnectionError' || name === 'KafkaJSConnectionClosedError' || name === 'KafkaJSRequestTimeoutError' || name === 'KafkaJSBrokerNotFound';
    if (!connectionLost && retriable !== true) {
      this.fail(new KafkaSourceError('FetchFailed', `KafkaSource: a fetch from ${this.spec.options.brokers.join(', ')} failed: ${(error as Error)?.message ?? String(error)}`, error));
      return;
    }
    for (const p of list) this.retryLater(p, error as Error);
  }

  /**
   * Counts a failure in a row of partition `p`; fails the reader past `client.retries`, else reloads
   * metadata and returns when to try `p` again.
   */
  private retryLater(p: PartitionState, error: Error): number {
    const failures = (this.failures.get(p) ?? 0) + 1;
    this.failures.set(p, failures);
    if (failures > this.spec.options.client.retries) {
      const { brokers } = this.spec.options;
      const refresh = this.lastRefreshError === undefined ? '' : `; reloading metadata last failed with: ${this.lastRefreshError.message}`;
      this.fail(
        new KafkaSourceError(
          'FetchFailed',
          `KafkaSource: fetching partition ${p.partition} of '${p.topic}' failed ${failures} times in a row: ${error.message}${refresh} — check that the brokers (${brokers.join(', ')}) are up and the partition has a leader; the job restarts from its last checkpoint as its restart strategy allows`,
          error,
        ),
      );
      return Infinity;
    }
    const at = Date.now() + Math.min(MAX_RETRY_MS, INITIAL_RETRY_MS * 2 ** (failures - 1)) * (0.8 + 0.4 * Math.random());
    this.retryAt.set(p, at);
    void this.refresh();
    return at;
  }

  /** Reloads metadata (one load at a time) and with it the leaders. */
  private refresh(): Promise<void> {
    this.refreshing ??= (async () => {
      try {
        await this.spec.connections.ensureTopics(this.topics());
        await this.spec.connections.refreshMetadata();
        this.lastRefreshError = undefined;
        this.loadLeaders();
      } catch (error) {
        // The partitions' next tries count the failure; the last one's message carries this error.
        this.lastRefreshError = error as Error;
      } finally {
        this.refreshing = undefined;
      }
    })();
    return this.refreshing;
  }

  private loadLeaders(): void {
    const leaders = new Map<string, number>();
    for (const topic of this.topics()) {
      for (const { partitionId, leader } of this.spec.connections.partitionsOf(topic) ?? []) leaders.set(partitionKey(topic, partitionId), leader);
    }
    this.leaders = leaders;
  }

  private topics(): string[] {
    return [...new Set([...this.spec.partitions.values()].map((p) => p.topic))];
  }

  private fail(error: KafkaSourceError): void {
    if (this.failed || this.stopped) return;
    this.failed = true;
    clearTimeout(this.retryTimer);
    this.spec.onFailure(error);
  }
}

/** A bounded partition whose every record up to its stopping offset is buffered (or emitted). */
export function isFinishedFetching(p: PartitionState): boolean {
  return p.stoppingOffset !== undefined && p.fetchPosition >= p.stoppingOffset;
}
