/**
 * One subtask's KafkaSource reader. start() finds the partitions this subtask owns and where each
 * starts (restored offsets, or the starting-offsets mode), joins the consumer group (GroupMembership),
 * then a PartitionFetcher fills the FetchBuffer in the background from the reader's own positions.
 * pollNext() emits from the buffer without waiting and moves each partition's position past every
 * record it emits, so snapshotState() — taken between two polls — is exactly
 * what was emitted. Offsets go to the consumer group only once the checkpoint holding them completes.
 */
import { Kafka, logLevel as KafkaLogLevel, type Admin } from 'kafkajs';
import type { InputStatus, ReaderOutput, SourceOutput, SourceReader, SourceReaderContext } from '@sage/core';
import { createRecordDecoder, decodeFailure, NO_VALUE, type RecordDecoder } from './deserializers.js';
import { BrokerConnections } from '../common/kafkajs-internals.js';
import { KafkaSourceError } from './errors.js';
import { FetchBuffer, type FetchedChunk, type PartitionState } from './fetch-buffer.js';
import { PartitionFetcher } from './fetch/partition-fetcher.js';
import { GroupMembership } from './group-membership.js';
import type { ResolvedKafkaSourceOptions } from './options.js';
import { discoverPartitions, endOffsets, startingOffsets, type TopicPartition } from './partition-discovery.js';
import { ownerOf, partitionKey, restoredSplits, type KafkaPartitionSplit } from './partition-split.js';

/** Records per pollNext, so the task can take checkpoints and see backpressure between batches. */
const RECORDS_PER_POLL = 2048;
/** Checkpoints whose offsets wait for completion; older ones were aborted or subsumed. */
const MAX_PENDING_COMMITS = 32;

/** Counters of one reader, for tests and diagnostics. */
export interface KafkaSourceReaderMetrics {
  readonly subtaskIndex: number;
  readonly attemptNumber: number;
  /** Partitions this reader owns. */
  partitions: number;
  /** Records taken from the buffer: emitted, skipped, or tombstones a built-in deserializer drops. */
  recordsRead: number;
  /** Records dropped by `onDecodeError: 'skip'`. */
  recordsSkipped: number;
  /** DecodeFailures emitted by `onDecodeError: 'emit'`. */
  decodeFailures: number;
  /** Records fetched and not yet emitted, now and at most: never above `maxBufferedRecords`. */
  readonly bufferedRecords: number;
  readonly peakBufferedRecords: number;
  /** Times the buffer stayed full for consumer.maxWaitTimeMs while fetched records waited for room. */
  backpressurePauses: number;
  /** Partitions not being fetched now (their last fetch waits for room, or bounded and done). */
  readonly pausedPartitions: number;
  /** From start() being called to the consumer's first group join completing. */
  startupMs: number | undefined;
  /** Joins of the consumer group (the first, then one per rebalance), and the last one's duration. */
  groupJoins: number;
  lastGroupJoinMs: number | undefined;
  commitsSucceeded: number;
  commitsFailed: number;
  lastCommitError: Error | undefined;
}

export class KafkaSourceReader implements SourceReader<unknown, KafkaPartitionSplit> {
  private readonly partitions = new Map<string, PartitionState>();
  /** Every partition seen so far, owned or not: discovery adds only what is new. */
  private readonly known = new Set<string>();
  private readonly buffer: FetchBuffer;
  private readonly decode: RecordDecoder;
  private kafka: Kafka | undefined;
  private admin: Admin | undefined;
  private membership: GroupMembership | undefined;
  private connections: BrokerConnections | undefined;
  private fetcher: PartitionFetcher | undefined;
  private failure: Error | undefined;
  /** True while a deserializer runs: an exception then is a decode error, not the job's. */
  private decoding = false;
  private readonly pendingCommits = new Map<number, KafkaPartitionSplit[]>();
  private nextCommit: KafkaPartitionSplit[] | undefined;
  private committing: Promise<void> | undefined;
  private discoveryTimer: NodeJS.Timeout | undefined;
  private discovery: Promise<void> | undefined;
  private closed = false;
  /** Partitions that have their split output; fewer than `partitions` after a discovery, -1 before the first poll. */
  private withOutputs = -1;
  private markedIdle = false;

  constructor(
    private readonly options: ResolvedKafkaSourceOptions,
    private readonly ctx: SourceReaderContext,
    readonly metrics: KafkaSourceReaderMetrics,
  ) {
    const buffer = new FetchBuffer(options.maxBufferedRecords);
    this.buffer = buffer;
    this.decode = createRecordDecoder(options.deserializer, options.withMetadata, options.keyFormat);
    // Read from the buffer itself: it fills between polls, while the consumer fetches.
    Object.defineProperties(metrics, {
      bufferedRecords: { get: () => buffer.size, enumerable: true },
      peakBufferedRecords: { get: () => buffer.peakSize, enumerable: true },
      pausedPartitions: { get: () => this.fetcher?.pausedPartitions ?? 0, enumerable: true },
    });
  }

  async start(): Promise<void> {
    try {
      await this.connectAndAssign();
    } catch (error) {
      // The task never closes a reader whose start failed: let go of the connections here.
      clearInterval(this.discoveryTimer);
      await this.disconnect();
      throw error;
    }
  }

  private async connectAndAssign(): Promise<void> {
    const began = Date.now();
    const { options, ctx } = this;
    this.kafka = new Kafka({
      brokers: [...options.brokers],
      clientId: options.clientId ?? `sage-${ctx.jobName}`.replace(/[^A-Za-z0-9._-]/g, '-'),
      logLevel: LOG_LEVELS[options.client.logLevel],
      connectionTimeout: options.client.connectionTimeoutMs,
      requestTimeout: options.client.requestTimeoutMs,
      retry: { retries: options.client.retries, initialRetryTime: 100, maxRetryTime: 1000 },
      ...(options.client.ssl !== undefined ? { ssl: options.client.ssl } : {}),
      ...(options.client.sasl !== undefined ? { sasl: options.client.sasl } : {}),
    });
    const admin = this.kafka.admin();
    this.admin = admin;
    try {
      await admin.connect();
    } catch (error) {
      throw new KafkaSourceError(
        'BrokerUnreachable',
        `KafkaSource: cannot reach the Kafka brokers ${options.brokers.join(', ')}: ${(error as Error).message} — check \`brokers\` and that Kafka is running and reachable from this machine`,
        error,
      );
    }
    const all = await discoverPartitions(admin, options);
    for (const p of all) this.known.add(partitionKey(p.topic, p.partition));
    const owned = all.filter((p) => ownerOf(p.topic, p.partition, ctx.parallelism) === ctx.subtaskIndex);
    const states = ctx.restoredState === undefined ? await this.freshStates(admin, owned) : await this.restoredStates(admin, owned, ctx.restoredState);
    for (const state of states) this.partitions.set(partitionKey(state.topic, state.partition), state);
    this.metrics.partitions = this.partitions.size;
    if ([...this.partitions.values()].some((p) => !isFinished(p))) await this.startFetcher();
    this.metrics.startupMs = Date.now() - began;
    const interval = options.partitionDiscoveryIntervalMs;
    if (interval !== undefined) {
      this.discoveryTimer = setInterval(() => {
        this.discovery ??= this.discoverNewPartitions().finally(() => (this.discovery = undefined));
      }, interval);
      this.discoveryTimer.unref();
    }
  }

  pollNext(output: ReaderOutput<unknown>): InputStatus {
    if (this.failure !== undefined) throw this.failure;
    if (this.withOutputs !== this.partitions.size) this.createSplitOutputs(output);
    const buffer = this.buffer;
    let budget = RECORDS_PER_POLL;
    let chunk = buffer.peek();
    while (chunk !== undefined && budget > 0) {
      budget -= this.emitFrom(chunk, output, budget);
      // The budget ran out mid-chunk, or collect() asked the reader to return.
      if (chunk.next < chunk.end) break;
      // Past what the fetch left out after the chunk's last record (control records, aborted records).
      if (chunk.endPosition > chunk.split.position) chunk.split.position = chunk.endPosition;
      // A finished partition no longer holds the watermark back (as if it were at +Infinity).
      if (isFinished(chunk.split)) this.releaseSplitOutput(chunk.split, output);
      buffer.shift();
      chunk = buffer.peek();
    }
    this.metrics.recordsRead += RECORDS_PER_POLL - budget;
    if (!buffer.isEmpty) return 'more';
    if (this.options.bounded && this.allFinished()) return 'end';
    return budget < RECORDS_PER_POLL ? 'more' : 'nothing';
  }

  /**
   * Each partition emits through its own split output, created before its first record: a
   * partition without data holds the source's watermark back (until withIdleness marks it idle),
   * as a slow one should. A subtask that owns no partition says it is idle, so that it never holds
   * event time back downstream; a partition found later makes it active again.
   */
  private createSplitOutputs(output: ReaderOutput<unknown>): void {
    if (this.partitions.size === 0) {
      if (!this.markedIdle) output.markIdle?.();
      this.markedIdle = true;
      this.withOutputs = 0;
      return;
    }
    for (const [key, p] of this.partitions) {
      // A partition restored as finished emits nothing: it gets no output to hold anything back.
      if (p.output === undefined && !isFinished(p)) p.output = output.createOutputForSplit?.(key);
    }
    this.withOutputs = this.partitions.size;
  }

  private releaseSplitOutput(p: PartitionState, output: ReaderOutput<unknown>): void {
    if (p.output === undefined) return;
    p.output = undefined;
    output.releaseOutputForSplit?.(partitionKey(p.topic, p.partition));
  }

  isAvailable(): Promise<void> {
    if (this.failure !== undefined || !this.buffer.isEmpty) return Promise.resolve();
    return this.buffer.whenNonEmpty();
  }

  snapshotState(checkpointId: number): KafkaPartitionSplit[] {
    const splits: KafkaPartitionSplit[] = [];
    for (const p of this.partitions.values()) {
      splits.push(p.stoppingOffset === undefined ? { topic: p.topic, partition: p.partition, offset: p.position } : { topic: p.topic, partition: p.partition, offset: p.position, stoppingOffset: p.stoppingOffset });
    }
    if (Number.isFinite(checkpointId)) {
      this.pendingCommits.set(checkpointId, splits);
      if (this.pendingCommits.size > MAX_PENDING_COMMITS) this.pendingCommits.delete(this.pendingCommits.keys().next().value!);
    }
    return splits;
  }

  /**
   * Commits the completed checkpoint's offsets to the group in the background: the task's mailbox
   * does not wait on the broker, and the commit is for monitoring only. A commit still in flight
   * when the next checkpoint completes is followed by that one's offsets only.
   */
  notifyCheckpointComplete(checkpointId: number): void {
    const splits = this.pendingCommits.get(checkpointId);
    for (const id of [...this.pendingCommits.keys()]) if (id <= checkpointId) this.pendingCommits.delete(id);
    if (splits === undefined || this.membership === undefined) return;
    this.nextCommit = splits;
    this.committing ??= this.commitPending().finally(() => (this.committing = undefined));
  }

  /** Resolves when no commit is in flight or queued: for tests and for close(). */
  async commitsSettled(): Promise<void> {
    while (this.committing !== undefined) await this.committing;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.discoveryTimer);
    await this.discovery;
    await this.commitsSettled();
    const failed = await this.disconnect();
    // The source keeps this reader's metrics, and through them the reader: keep no records alive.
    this.buffer.clear();
    if (failed !== undefined) throw failed.reason;
  }

  /** Stops fetching and closes every connection; returns the first close that failed. */
  private async disconnect(): Promise<PromiseRejectedResult | undefined> {
    this.fetcher?.stop();
    const results = await Promise.allSettled([this.membership?.stop(), this.connections?.disconnect(), this.admin?.disconnect()]);
    this.fetcher = undefined;
    this.membership = undefined;
    this.connections = undefined;
    this.admin = undefined;
    return results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  }

  /**
   * Emits records from the head chunk, at most `budget`, and returns how many it used; it stops
   * after a record whose collect() answered false. One try block
   * around the loop: a deserializer's exception is handled for its record and the loop goes on; any
   * other exception (the chained operators run inside collect) propagates.
   */
  private emitFrom(chunk: FetchedChunk, readerOutput: ReaderOutput<unknown>, budget: number): number {
    const { records, split } = chunk;
    const output = split.output ?? readerOutput;
    const { offsets, timestamps } = records;
    const { topic, partition } = split;
    const decode = this.decode;
    const first = chunk.next;
    let stop = Math.min(chunk.end, first + budget);
    let i = first;
    while (i < stop) {
      try {
        for (; i < stop; i++) {
          const timestamp = timestamps[i]!;
          this.decoding = true;
          const value = decode(records, i, topic, partition);
          this.decoding = false;
          split.position = offsets[i]! + 1;
          // -1: a record whose producer gave no timestamp. The task asks to return: this record is the last.
          if (value !== NO_VALUE && !output.collect(value, timestamp >= 0 ? timestamp : undefined)) stop = i + 1;
        }
      } catch (error) {
        if (!this.decoding) throw error;
        this.decoding = false;
        this.onDecodeError(chunk, i, error, output);
        i++;
      }
    }
    chunk.next = i;
    this.buffer.consumed(i - first);
    return i - first;
  }

  private onDecodeError(chunk: FetchedChunk, index: number, error: unknown, output: SourceOutput<unknown>): void {
    const { records } = chunk;
    const { topic, partition } = chunk.split;
    const offset = records.offsets[index]!;
    const timestamp = records.timestamps[index]!;
    switch (this.options.onDecodeError) {
      case 'fail':
        throw new KafkaSourceError(
          'UndecodableRecord',
          `KafkaSource: cannot decode the record at offset ${offset} of partition ${partition} of '${topic}': ${(error as Error)?.message ?? String(error)} — fix the producer, or set onDecodeError to 'skip' (drop such records) or 'emit' (pass them on as DecodeFailure values)`,
          error,
        );
      case 'skip':
        this.metrics.recordsSkipped++;
        break;
      case 'emit':
        this.metrics.decodeFailures++;
        output.collect(decodeFailure(records, index, topic, partition, error), timestamp >= 0 ? timestamp : undefined);
        break;
    }
    chunk.split.position = offset + 1;
  }

  private async freshStates(admin: Admin, owned: readonly TopicPartition[]): Promise<PartitionState[]> {
    const starts = await startingOffsets(admin, this.options, this.options.startingOffsets, owned);
    const stops = this.options.bounded ? await endOffsets(admin, this.options, owned) : undefined;
    return owned.map((p) => {
      const key = partitionKey(p.topic, p.partition);
      return partitionState(p, starts.get(key)!, stops?.get(key));
    });
  }

  /**
   * Restored positions for the owned partitions the checkpoint has. An owned partition it lacks was
   * created after that checkpoint: an unbounded reader reads it from its earliest record, a bounded
   * one not at all (it reads what existed when the job first started).
   */
  private async restoredStates(admin: Admin, owned: readonly TopicPartition[], restored: readonly unknown[]): Promise<PartitionState[]> {
    const splits = restoredSplits(restored);
    const states: PartitionState[] = [];
    const unknown: TopicPartition[] = [];
    const withoutEnd: TopicPartition[] = [];
    for (const p of owned) {
      const split = splits.get(partitionKey(p.topic, p.partition));
      if (split === undefined) unknown.push(p);
      else if (this.options.bounded && split.stoppingOffset === undefined) withoutEnd.push(p);
      else states.push(partitionState(p, split.offset, this.options.bounded ? split.stoppingOffset : undefined));
    }
    if (withoutEnd.length > 0) {
      // State of an unbounded run restored into a bounded one: it ends at today's end.
      const stops = await endOffsets(admin, this.options, withoutEnd);
      for (const p of withoutEnd) {
        const key = partitionKey(p.topic, p.partition);
        states.push(partitionState(p, splits.get(key)!.offset, stops.get(key)));
      }
    }
    if (unknown.length > 0 && !this.options.bounded) {
      const starts = await startingOffsets(admin, this.options, 'earliest', unknown);
      for (const p of unknown) states.push(partitionState(p, starts.get(partitionKey(p.topic, p.partition))!, undefined));
    }
    return states;
  }

  /**
   * Joins the group, then fetches: the first join must be complete before the first fetch, so that
   * start() reports a group that cannot be joined, and startup time includes the join.
   */
  private async startFetcher(): Promise<void> {
    await this.joinGroup();
    const admin = this.admin!;
    this.connections = await BrokerConnections.connect(this.kafka!, 'fetch');
    const fetcher = new PartitionFetcher({
      connections: this.connections,
      options: this.options,
      buffer: this.buffer,
      partitions: this.partitions,
      earliestOffset: async (topic, partition) => {
        const offsets = await admin.fetchTopicOffsets(topic);
        const found = offsets.find((o) => o.partition === partition);
        if (found === undefined) throw new Error(`no offsets for partition ${partition} of '${topic}'`);
        return Number(found.low);
      },
      onFailure: (error) => this.fail(error),
      onPause: () => this.metrics.backpressurePauses++,
    });
    this.fetcher = fetcher;
    await fetcher.start();
    if (this.failure !== undefined) throw this.failure;
  }

  private async joinGroup(): Promise<void> {
    const membership = new GroupMembership({
      kafka: this.kafka!,
      options: this.options,
      partitions: this.partitions,
      onFailure: (error) => this.fail(error),
      onJoin: (durationMs) => {
        this.metrics.groupJoins++;
        this.metrics.lastGroupJoinMs = durationMs;
      },
    });
    this.membership = membership;
    await membership.start();
    if (this.failure !== undefined) throw this.failure;
  }

  private async discoverNewPartitions(): Promise<void> {
    if (this.closed || this.failure !== undefined) return;
    try {
      const all = await discoverPartitions(this.admin!, this.options);
      const fresh = all.filter((p) => !this.known.has(partitionKey(p.topic, p.partition)));
      for (const p of fresh) this.known.add(partitionKey(p.topic, p.partition));
      const mine = fresh.filter((p) => ownerOf(p.topic, p.partition, this.ctx.parallelism) === this.ctx.subtaskIndex);
      if (mine.length === 0 || this.closed) return;
      const starts = await startingOffsets(this.admin!, this.options, 'earliest', mine);
      for (const p of mine) this.partitions.set(partitionKey(p.topic, p.partition), partitionState(p, starts.get(partitionKey(p.topic, p.partition))!, undefined));
      this.metrics.partitions = this.partitions.size;
      // kafkajs cannot change a running consumer's topics: a new member joins with all partitions.
      await this.membership?.stop();
      this.membership = undefined;
      if (this.closed) return;
      if (this.fetcher === undefined) await this.startFetcher();
      else {
        await this.joinGroup();
        this.fetcher.schedule();
      }
    } catch (error) {
      this.fail(error as Error);
    }
  }

  private async commitPending(): Promise<void> {
    while (this.nextCommit !== undefined) {
      const splits = this.nextCommit;
      this.nextCommit = undefined;
      try {
        await this.membership?.commit(splits);
        this.metrics.commitsSucceeded++;
      } catch (error) {
        // Monitoring only: the positions are safe in the checkpoint, and the next one commits again.
        this.metrics.commitsFailed++;
        this.metrics.lastCommitError = error as Error;
        if (this.metrics.commitsFailed === 1) {
          process.emitWarning(`KafkaSource: committing offsets to group '${this.options.groupId}' failed: ${(error as Error).message}; later checkpoints try again`, {
            code: 'SAGE_KAFKA_COMMIT_FAILED',
          });
        }
      }
    }
  }

  private allFinished(): boolean {
    for (const p of this.partitions.values()) if (!isFinished(p)) return false;
    return true;
  }

  private fail(error: Error): void {
    this.failure ??= error;
    this.buffer.wake();
  }
}

function partitionState(p: TopicPartition, position: number, stoppingOffset: number | undefined): PartitionState {
  return { topic: p.topic, partition: p.partition, position, fetchPosition: position, stoppingOffset };
}

/** A bounded partition whose every record up to its stopping offset has been emitted. */
function isFinished(p: PartitionState): boolean {
  return p.stoppingOffset !== undefined && p.position >= p.stoppingOffset;
}

const LOG_LEVELS = {
  nothing: KafkaLogLevel.NOTHING,
  error: KafkaLogLevel.ERROR,
  warn: KafkaLogLevel.WARN,
  info: KafkaLogLevel.INFO,
  debug: KafkaLogLevel.DEBUG,
} as const;
