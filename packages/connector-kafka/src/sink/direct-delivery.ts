/**
 * At-least-once (and no-guarantee) delivery: records are encoded into RecordBatches as they are
 * written (ProduceBatch) and sent by the writer's own Sender over kafkajs's connections, with no
 * producer id: plain, non-idempotent produce requests with acks=all, as kafkajs's producer sent them.
 */
import type { Kafka } from 'kafkajs';
import { BrokerConnections, TransactionCoordinators } from '../common/kafkajs-internals.js';
import type { Delivery } from './delivery.js';
import type { KafkaCommittable } from './kafka-committer.js';
import { abortLingeringTransactions } from './lingering-transactions.js';
import type { ResolvedKafkaSinkOptions } from './options.js';
import { TopicPartitioning } from './produce/default-partitioner.js';
import { ProduceBatch } from './produce/produce-batch.js';
import { NO_PRODUCER } from './produce/record-batch-builder.js';
import { Sender } from './produce/sender.js';
import type { IdsToFence, KafkaWriterState } from './transactional-ids.js';

/** kafkajs's producer's default: how long the broker may wait for the in-sync replicas' acknowledgement. */
const ACK_TIMEOUT_MS = 30_000;

export class DirectDelivery implements Delivery<ProduceBatch> {
  private connections: BrokerConnections | undefined;
  private sender: Sender | undefined;
  /** The partitions of every topic written so far, as the last metadata showed them. */
  private readonly partitionings = new Map<string, TopicPartitioning>();

  /** `fence`: transactions of exactly-once writers this writer's state came from (the guarantee was changed on restore). */
  constructor(
    private readonly kafka: Kafka,
    private readonly options: ResolvedKafkaSinkOptions<unknown>,
    private readonly fence: readonly IdsToFence[],
  ) {}

  newBatch(): ProduceBatch {
    return new ProduceBatch(this.partitionings);
  }

  async start(): Promise<void> {
    if (this.fence.length > 0) {
      const coordinators = await TransactionCoordinators.connect(this.kafka);
      try {
        await abortLingeringTransactions(coordinators, this.fence, this.options.transactionTimeoutMs);
      } finally {
        await coordinators.disconnect();
      }
    }
    const connections = await BrokerConnections.connect(this.kafka, 'produce');
    this.connections = connections;
    this.sender = new Sender(connections, { retries: this.options.client.retries, transactionalId: null, acks: -1, ackTimeoutMs: ACK_TIMEOUT_MS });
  }

  async send(batch: ProduceBatch): Promise<void> {
    const connections = this.connections!;
    const topics = batch.topics();
    await connections.ensureTopics(topics);
    for (const topic of topics) {
      let partitioning = this.partitionings.get(topic);
      if (partitioning === undefined) this.partitionings.set(topic, (partitioning = new TopicPartitioning(topic)));
      partitioning.update(connections.partitionsOf(topic));
    }
    batch.placeWaitingRecords();
    await this.sender!.send(batch.build(() => NO_PRODUCER));
  }

  async prepare(): Promise<KafkaCommittable[]> {
    return [];
  }

  snapshotState(): KafkaWriterState[] {
    return [];
  }

  async close(): Promise<void> {
    const connections = this.connections;
    this.connections = undefined;
    await connections?.disconnect();
  }
}
