/**
 * How a KafkaSink writer hands batches to Kafka. `DirectDelivery` (at-least-once and none) sends them
 * with one plain producer; `TransactionalDelivery` (exactly-once) sends them in a transaction per
 * checkpoint. The writer calls these one at a time, in order.
 */
import type { CommitPoint } from '@sage/core';
import { Partitioners, type Kafka, type Producer, type TopicMessages } from 'kafkajs';
import { TransactionCoordinators } from '../common/kafkajs-internals.js';
import type { KafkaCommittable } from './kafka-committer.js';
import { abortLingeringTransactions } from './lingering-transactions.js';
import type { ResolvedKafkaSinkOptions } from './options.js';
import type { IdsToFence, KafkaWriterState } from './transactional-ids.js';

export interface Delivery {
  /** Before the first batch: connect, and abort what earlier writers left open. */
  start(): Promise<void>;
  /** Sends one batch and waits for the brokers' acknowledgement (acks=all). */
  send(batch: TopicMessages[]): Promise<void>;
  /** Everything sent so far is acknowledged; returns what must be committed for `point`. */
  prepare(point: CommitPoint): Promise<KafkaCommittable[]>;
  /** The writer state as of the last prepare(). */
  snapshotState(): KafkaWriterState[];
  /** Gives up what was not handed out by prepare(), and disconnects. */
  close(): Promise<void>;
}

export class DirectDelivery implements Delivery {
  private producer: Producer | undefined;

  /** `fence`: transactions of exactly-once writers this writer's state came from (the guarantee was changed on restore). */
  constructor(
    private readonly kafka: Kafka,
    private readonly options: ResolvedKafkaSinkOptions<unknown>,
    private readonly fence: readonly IdsToFence[],
  ) {}

  async start(): Promise<void> {
    if (this.fence.length > 0) {
      const coordinators = await TransactionCoordinators.connect(this.kafka);
      try {
        await abortLingeringTransactions(coordinators, this.fence, this.options.transactionTimeoutMs);
      } finally {
        await coordinators.disconnect();
      }
    }
    const producer = this.kafka.producer({
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
      retry: { retries: this.options.client.retries, initialRetryTime: 100, maxRetryTime: 1000 },
    });
    this.producer = producer;
    await producer.connect();
  }

  async send(batch: TopicMessages[]): Promise<void> {
    await this.producer!.sendBatch({ topicMessages: batch, acks: -1 });
  }

  async prepare(): Promise<KafkaCommittable[]> {
    return [];
  }

  snapshotState(): KafkaWriterState[] {
    return [];
  }

  async close(): Promise<void> {
    await this.producer?.disconnect();
    this.producer = undefined;
  }
}
