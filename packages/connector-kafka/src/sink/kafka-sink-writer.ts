/**
 * A KafkaSink subtask's writer. write() encodes the record and adds it to the open batch, nothing
 * more; batches go to Kafka through one queue worked by one sender, one batch at a time (one request
 * per broker, not one promise per record). While a batch is on its way the next one fills, so batches
 * grow with the load, until the Delivery's batch says it is full. The writer reports itself
 * unavailable while more than maxBufferedBytes wait for acknowledgement: backpressure, not memory.
 *
 * prepareCommit() closes the open batch and queues a commit marker behind it, synchronously, so that
 * records written after the barrier land behind the marker: in the next transaction (exactly-once),
 * or outside what the checkpoint waits for (at-least-once). The first queue entry starts the delivery:
 * connect, check the topic, abort what earlier writers left open.
 */
import type { CommitPoint, SinkWriter } from '@sage/core';
import type { Admin, Kafka } from 'kafkajs';
import type { Delivery, OutgoingBatch } from './delivery.js';
import { KafkaSinkError, kafkaFailure, writeError } from './errors.js';
import type { KafkaCommittable } from './kafka-committer.js';
import type { ResolvedKafkaSinkOptions } from './options.js';
import { RecordEncoder } from './record-encoder.js';
import type { KafkaWriterState } from './transactional-ids.js';

class CommitMarker {
  constructor(
    readonly point: CommitPoint,
    readonly resolve: (committables: KafkaCommittable[]) => void,
    readonly reject: (error: unknown) => void,
  ) {}
}

type QueueEntry = OutgoingBatch | CommitMarker | 'start';

export class KafkaSinkWriter<T> implements SinkWriter<T, KafkaCommittable> {
  private readonly encoder: RecordEncoder<T>;
  private readonly queue: QueueEntry[] = ['start'];
  private batch: OutgoingBatch;
  /** Bytes written and not yet acknowledged (or dropped). */
  private buffered = 0;
  private sending: Promise<void> | undefined;
  private kickPending = false;
  private failure: KafkaSinkError | undefined;
  private closed = false;
  private availabilityWaiters: (() => void)[] = [];
  private admin: Admin | undefined;
  /** Topics known to exist. */
  private readonly topics = new Set<string>();
  private readonly runSender = () => {
    this.kickPending = false;
    if (this.sending !== undefined) return;
    this.sending = this.drain().finally(() => {
      this.sending = undefined;
      // Records written between the sender's last look and now would otherwise wait for the next write.
      if (!this.closed && this.failure === undefined && (this.queue.length > 0 || !this.batch.isEmpty)) this.kick();
    });
  };

  constructor(
    private readonly options: ResolvedKafkaSinkOptions<T>,
    private readonly kafka: Kafka,
    private readonly delivery: Delivery,
  ) {
    this.encoder = new RecordEncoder(options);
    this.batch = delivery.newBatch();
    this.kick();
  }

  write(value: T, timestamp: number | undefined): void {
    if (this.failure !== undefined) throw this.failure;
    const encoder = this.encoder;
    const topic = encoder.topicFor(value);
    encoder.encode(value);
    this.buffered += this.batch.add(topic, encoder.key, encoder.value, encoder.headers, timestamp);
    if (this.batch.isFull) {
      this.queue.push(this.batch);
      this.batch = this.delivery.newBatch();
    }
    if (this.sending === undefined && !this.kickPending) this.kick();
  }

  isAvailable(): boolean {
    // A failed writer reports itself available, so that the task's next write() throws instead of waiting.
    return this.failure !== undefined || this.buffered < this.options.maxBufferedBytes;
  }

  whenAvailable(): Promise<void> {
    if (this.isAvailable()) return Promise.resolve();
    return new Promise((resolve) => this.availabilityWaiters.push(resolve));
  }

  async prepareCommit(point: CommitPoint): Promise<KafkaCommittable[]> {
    if (this.failure !== undefined) throw this.failure;
    // 'none' does not wait for records at checkpoints; the end of a bounded job still flushes them.
    if (this.options.deliveryGuarantee === 'none' && point !== 'end-of-input') return [];
    return new Promise<KafkaCommittable[]>((resolve, reject) => {
      this.sealBatch();
      this.queue.push(new CommitMarker(point, resolve, reject));
      this.kick();
    });
  }

  snapshotState(_checkpointId: number): KafkaWriterState[] {
    return this.delivery.snapshotState();
  }

  /**
   * Ends the writer: records not yet sent are dropped (no checkpoint covers them; a restored job
   * writes them again), the transaction not handed out is aborted, connections close.
   */
  async close(): Promise<void> {
    this.closed = true;
    this.batch = this.delivery.newBatch();
    const closed = new KafkaSinkError('WriteFailed', 'KafkaSink: the writer was closed before this commit point was reached');
    for (const entry of this.queue.splice(0)) if (entry instanceof CommitMarker) entry.reject(closed);
    await this.sending;
    try {
      await this.delivery.close();
    } finally {
      await this.admin?.disconnect();
      this.admin = undefined;
    }
  }

  private sealBatch(): void {
    if (this.batch.isEmpty) return;
    this.queue.push(this.batch);
    this.batch = this.delivery.newBatch();
  }

  /** Starts the sender in a later turn, so that records written in this one go out together. */
  private kick(): void {
    if (this.kickPending) return;
    this.kickPending = true;
    setImmediate(this.runSender);
  }

  private async drain(): Promise<void> {
    for (;;) {
      if (this.closed || this.failure !== undefined) return;
      let entry = this.queue.shift();
      if (entry === undefined) {
        if (this.batch.isEmpty) return;
        entry = this.batch;
        this.batch = this.delivery.newBatch();
      }
      try {
        if (entry === 'start') await this.start();
        else if (entry instanceof CommitMarker) entry.resolve(await this.delivery.prepare(entry.point));
        else await this.send(entry);
      } catch (error) {
        const failure = writeError(error, this.options.brokers, entry instanceof CommitMarker ? 'preparing the commit' : entry === 'start' ? 'starting the writer' : 'writing records');
        if (entry instanceof CommitMarker) entry.reject(failure);
        this.fail(failure);
        return;
      }
    }
  }

  private async start(): Promise<void> {
    const admin = this.kafka.admin();
    this.admin = admin;
    await admin.connect();
    if (this.options.topic !== undefined) await this.checkTopics([this.options.topic]);
    await this.delivery.start();
  }

  private async send(batch: OutgoingBatch): Promise<void> {
    const unknown = batch.topics().filter((topic) => !this.topics.has(topic));
    if (unknown.length > 0) await this.checkTopics(unknown);
    await this.delivery.send(batch);
    this.buffered -= batch.bytes;
    if (this.availabilityWaiters.length > 0 && this.isAvailable()) this.wakeWaiters();
  }

  /** A missing topic fails at once with its name, rather than after the producer's retries. */
  private async checkTopics(topics: string[]): Promise<void> {
    try {
      await this.admin!.fetchTopicMetadata({ topics });
    } catch (error) {
      if (kafkaFailure(error).type !== 'UNKNOWN_TOPIC_OR_PARTITION') throw error;
      const missing = await this.missingOf(topics);
      throw new KafkaSinkError(
        'TopicNotFound',
        `KafkaSink: topic${missing.length === 1 ? '' : 's'} ${missing.map((t) => `'${t}'`).join(', ')} ${missing.length === 1 ? 'does' : 'do'} not exist on ${this.options.brokers.join(', ')} — create ${missing.length === 1 ? 'it' : 'them'} first (the sink never creates topics), or fix the name`,
        error,
      );
    }
    for (const topic of topics) this.topics.add(topic);
  }

  private async missingOf(topics: string[]): Promise<string[]> {
    const existing = new Set(await this.admin!.listTopics());
    const missing = topics.filter((topic) => !existing.has(topic));
    return missing.length > 0 ? missing : topics;
  }

  private fail(failure: KafkaSinkError): void {
    this.failure = failure;
    for (const entry of this.queue) if (entry instanceof CommitMarker) entry.reject(failure);
    this.queue.length = 0;
    this.batch = this.delivery.newBatch();
    this.wakeWaiters();
  }

  private wakeWaiters(): void {
    const waiters = this.availabilityWaiters;
    this.availabilityWaiters = [];
    for (const wake of waiters) wake();
  }
}
