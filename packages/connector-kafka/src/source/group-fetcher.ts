/**
 * Fetches a reader's partitions with one kafkajs consumer into the reader's FetchBuffer.
 *
 * The consumer is a member of the job's consumer group with the requested-assignment assigner, so it
 * gets exactly the partitions its subtask owns. The group's committed offsets are never where it
 * reads from: after every join (the first, and each rebalance, where kafkajs would otherwise go back
 * to the committed offsets) it seeks every partition to the reader's own fetch position, and it drops
 * any record below that position, so a rebalance neither repeats nor skips a record.
 *
 * Backpressure: a batch is buffered only as far as the buffer has room; the rest is left unresolved
 * (kafkajs fetches it again) and every partition is paused until the reader has emitted half of the
 * buffer. kafkajs keeps heartbeating while paused, so a slow job keeps its group membership.
 */
import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import { KafkaSourceError } from './errors.js';
import type { FetchBuffer, PartitionState } from './fetch-buffer.js';
import type { ResolvedKafkaSourceOptions } from './options.js';
import { partitionKey } from './partition-split.js';
import { requestedAssignmentAssigner, type Assignment } from './requested-assignment.js';

export interface GroupFetcherSpec {
  readonly kafka: Kafka;
  readonly options: ResolvedKafkaSourceOptions;
  readonly buffer: FetchBuffer;
  /** The reader's partitions, by partitionKey; the fetcher moves their fetchPosition. */
  readonly partitions: ReadonlyMap<string, PartitionState>;
  /** Called once when the consumer stops on an error it will not recover from. */
  readonly onFailure: (error: KafkaSourceError) => void;
  /** Each completed group join, with its duration. */
  readonly onJoin?: (durationMs: number) => void;
  /** Each time fetching pauses because the buffer is full. */
  readonly onPause?: () => void;
}

export class GroupFetcher {
  private consumer: Consumer | undefined;
  /** True from the moment the buffer was found full until the reader has drained half of it. */
  private pausedForRoom = false;
  private failed = false;

  constructor(private readonly spec: GroupFetcherSpec) {}

  /** Connects, joins the group and seeks; resolves once the first assignment is in place. */
  async start(): Promise<void> {
    const { kafka, options } = this.spec;
    const { consumer: tuning, groupId, client } = options;
    const consumer = kafka.consumer({
      groupId,
      partitionAssigners: [requestedAssignmentAssigner(() => this.requestedAssignment())],
      sessionTimeout: tuning.sessionTimeoutMs,
      rebalanceTimeout: tuning.rebalanceTimeoutMs,
      heartbeatInterval: tuning.heartbeatIntervalMs,
      maxWaitTimeInMs: tuning.maxWaitTimeMs,
      maxBytesPerPartition: tuning.maxBytesPerPartition,
      maxBytes: tuning.maxBytes,
      allowAutoTopicCreation: false,
      // kafkajs would restart a crashed consumer forever; the job's restart strategy decides instead.
      retry: { retries: client.retries, initialRetryTime: 100, maxRetryTime: 1000, restartOnFailure: async () => false },
    });
    this.consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, (event) => {
      this.afterJoin(consumer);
      this.spec.onJoin?.(event.payload.duration);
    });
    consumer.on(consumer.events.END_BATCH_PROCESS, ({ payload }) => {
      if (payload.batchSize === 0) this.onFilteredBatch(payload.topic, payload.partition, payload.lastOffset);
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => this.fail(payload.error));
    await consumer.connect();
    const topics = [...new Set([...this.spec.partitions.values()].map((p) => p.topic))];
    // fromBeginning only matters when a retention cut leaves a position out of range: start over at the oldest record.
    await consumer.subscribe({ topics, fromBeginning: true });
    // Resolves after the first join, or after a crash in it (reported through fail()).
    await consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch: (payload) => this.onBatch(payload) });
  }

  /** Called by the reader after it emitted records: fetch again once half of the buffer is free. */
  resumeIfDrained(): void {
    if (!this.pausedForRoom || this.spec.buffer.size > this.spec.buffer.capacity / 2) return;
    this.pausedForRoom = false;
    const consumer = this.consumer;
    if (consumer === undefined || this.failed) return;
    const unfinished = this.byTopic((p) => !isFinishedFetching(p));
    if (unfinished.length > 0) consumer.resume(unfinished);
  }

  /** Partitions the consumer does not fetch now: all of them while the buffer is full. */
  get pausedPartitions(): number {
    return (this.consumer?.paused() ?? []).reduce((n, { partitions }) => n + partitions.length, 0);
  }

  /** Commits offsets to the group (for monitoring; positions live in checkpoints). */
  async commit(offsets: readonly { topic: string; partition: number; offset: number }[]): Promise<void> {
    const consumer = this.consumer;
    if (consumer === undefined || this.failed || offsets.length === 0) return;
    await consumer.commitOffsets(offsets.map(({ topic, partition, offset }) => ({ topic, partition, offset: String(offset) })));
  }

  /** Leaves the group and closes the connections. */
  async stop(): Promise<void> {
    const consumer = this.consumer;
    this.consumer = undefined;
    await consumer?.disconnect();
  }

  private requestedAssignment(): Assignment {
    const assignment: Assignment = {};
    for (const p of this.spec.partitions.values()) (assignment[p.topic] ??= []).push(p.partition);
    return assignment;
  }

  /**
   * After every join: kafkajs has forgotten where it was (it would read from the group's committed
   * offsets), so every partition is sought to the reader's fetch position, and pauses are put back.
   * Runs synchronously inside the join, before the first fetch of the new generation.
   */
  private afterJoin(consumer: Consumer): void {
    for (const p of this.spec.partitions.values()) {
      if (!isFinishedFetching(p)) consumer.seek({ topic: p.topic, partition: p.partition, offset: String(p.fetchPosition) });
    }
    const paused = this.byTopic((p) => this.pausedForRoom || isFinishedFetching(p));
    if (paused.length > 0) consumer.pause(paused);
  }

  private async onBatch({ batch, resolveOffset, isRunning, isStale }: EachBatchPayload): Promise<void> {
    const p = this.spec.partitions.get(partitionKey(batch.topic, batch.partition));
    if (p === undefined || isFinishedFetching(p)) return;
    const messages = batch.messages;
    const stopping = p.stoppingOffset;
    let first = 0;
    // Records before the fetch position were buffered already (a fetch that raced a seek).
    while (first < messages.length && Number(messages[first]!.offset) < p.fetchPosition) first++;
    let end = messages.length;
    if (stopping !== undefined) while (end > first && Number(messages[end - 1]!.offset) >= stopping) end--;
    // kafkajs sleeps for maxWaitTime whenever all of its partitions are paused, which idles a job
    // that drains the buffer in milliseconds: a batch that does not fit is first taken piece by piece
    // as room appears, for up to maxWaitTime, and only then are the partitions paused.
    const buffer = this.spec.buffer;
    const deadline = Date.now() + this.spec.options.consumer.maxWaitTimeMs;
    while (end - first > buffer.room) {
      const room = buffer.room;
      if (room > 0) {
        const piece = Number(messages[first + room - 1]!.offset) + 1;
        buffer.push({ split: p, messages, next: first, end: first + room, endPosition: piece });
        p.fetchPosition = piece;
        resolveOffset(String(piece - 1));
        first += room;
      }
      const hasRoom = await buffer.whenRoom(Math.min(end - first, buffer.capacity / 2), deadline - Date.now());
      // Rebalanced or stopping meanwhile: the rest is fetched again from the fetch position.
      if (!isRunning() || isStale() || this.failed) return;
      if (!hasRoom) break;
    }
    const room = buffer.room;
    const fits = end - first <= room;
    let endPosition: number;
    if (fits) {
      // Past the batch's last offset, which may be a control record or an aborted one filtered out.
      endPosition = Math.max(p.fetchPosition, Number(batch.lastOffset()) + 1);
      if (stopping !== undefined) endPosition = Math.min(endPosition, stopping);
    } else {
      end = first + room;
      endPosition = end > first ? Number(messages[end - 1]!.offset) + 1 : p.fetchPosition;
    }
    if (end > first || endPosition > p.fetchPosition) this.spec.buffer.push({ split: p, messages, next: first, end, endPosition });
    p.fetchPosition = endPosition;
    // What is not resolved is fetched again: the part of the batch that did not fit.
    resolveOffset(String(endPosition - 1));
    if (!fits) this.pauseForRoom();
    else if (isFinishedFetching(p)) this.consumer?.pause([{ topic: p.topic, partitions: [p.partition] }]);
  }

  /**
   * A batch of nothing but control records (a transaction's commit marker) or aborted records never
   * reaches eachBatch; kafkajs moves past it, and so must the partition's position, or a bounded
   * reader would wait for offsets that never come as records.
   */
  private onFilteredBatch(topic: string, partition: number, lastOffset: string): void {
    const p = this.spec.partitions.get(partitionKey(topic, partition));
    if (p === undefined || isFinishedFetching(p)) return;
    let endPosition = Number(lastOffset) + 1;
    if (p.stoppingOffset !== undefined) endPosition = Math.min(endPosition, p.stoppingOffset);
    if (endPosition <= p.fetchPosition) return;
    this.spec.buffer.push({ split: p, messages: NO_MESSAGES, next: 0, end: 0, endPosition });
    p.fetchPosition = endPosition;
    if (isFinishedFetching(p)) this.consumer?.pause([{ topic, partitions: [partition] }]);
  }

  private pauseForRoom(): void {
    if (this.pausedForRoom) return;
    this.pausedForRoom = true;
    this.spec.onPause?.();
    const all = this.byTopic(() => true);
    if (all.length > 0) this.consumer?.pause(all);
  }

  private byTopic(include: (p: PartitionState) => boolean): { topic: string; partitions: number[] }[] {
    const byTopic = new Map<string, number[]>();
    for (const p of this.spec.partitions.values()) {
      if (!include(p)) continue;
      const list = byTopic.get(p.topic);
      if (list === undefined) byTopic.set(p.topic, [p.partition]);
      else list.push(p.partition);
    }
    return [...byTopic].map(([topic, partitions]) => ({ topic, partitions }));
  }

  private fail(error: Error): void {
    if (this.failed) return;
    this.failed = true;
    const { groupId, brokers } = this.spec.options;
    const type = (error as { type?: string }).type;
    const hint =
      type === 'INCONSISTENT_GROUP_PROTOCOL'
        ? ` — group '${groupId}' has members that are not KafkaSource readers (another application's consumers?): give the job a groupId of its own`
        : type === 'GROUP_AUTHORIZATION_FAILED' || type === 'TOPIC_AUTHORIZATION_FAILED'
          ? ' — grant this client read access to the topics and the group'
          : ` — check that the brokers (${brokers.join(', ')}) are up; the job restarts from its last checkpoint as its restart strategy allows`;
    this.spec.onFailure(new KafkaSourceError('ConsumerFailed', `KafkaSource: the consumer in group '${groupId}' stopped: ${error.message}${hint}`, error));
  }
}

const NO_MESSAGES: readonly KafkaMessage[] = [];

/** A bounded partition whose every record up to its stopping offset is buffered (or emitted). */
function isFinishedFetching(p: PartitionState): boolean {
  return p.stoppingOffset !== undefined && p.fetchPosition >= p.stoppingOffset;
}
