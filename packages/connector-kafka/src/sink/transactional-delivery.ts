/**
 * Exactly-once delivery: one Kafka transaction per checkpoint. The first batch after a checkpoint
 * opens a transaction with a new producer under the writer's next transactional id (kafkajs binds a
 * producer to one id, and ids are never reused, see transactional-ids.ts); prepare() waits for its
 * batches' acknowledgements, disconnects that producer without ending the transaction, and hands its
 * id, producer id and epoch out as the committable. The transaction stays open at the broker until the
 * committer commits it once its checkpoint completes, while the next records already go into the next
 * transaction. close() aborts only the transaction that was not handed out: a handed-out one may
 * belong to a completed checkpoint whose commit is still to come.
 */
import type { CommitPoint } from '@sage/core';
import { Partitioners, type Producer, type Transaction } from 'kafkajs';
import { TransactionCoordinators, type ProducerIdentity, type TransactionalKafka } from '../common/kafkajs-internals.js';
import type { Delivery } from './delivery.js';
import { KafkaSinkError, writeError } from './errors.js';
import type { KafkaCommittable } from './kafka-committer.js';
import { abortLingeringTransactions } from './lingering-transactions.js';
import { MessageBatch } from './message-batch.js';
import type { ResolvedKafkaSinkOptions } from './options.js';
import { transactionalId, type IdsToFence, type KafkaWriterState } from './transactional-ids.js';

interface OpenTransaction extends ProducerIdentity {
  readonly id: string;
  readonly producer: Producer;
  readonly transaction: Transaction;
}

export class TransactionalDelivery implements Delivery<MessageBatch> {
  private open: OpenTransaction | undefined;
  private nextSeq: number;
  /** nextSeq when the last prepare() handed out its transaction: what the checkpoint keeps. */
  private handedOutBefore: number;

  constructor(
    private readonly client: TransactionalKafka,
    private readonly options: ResolvedKafkaSinkOptions<unknown>,
    private readonly identity: { readonly family: string; readonly jobId: string; readonly attempt: number },
    firstSeq: number,
    private readonly fence: readonly IdsToFence[],
  ) {
    this.nextSeq = firstSeq;
    this.handedOutBefore = firstSeq;
  }

  async start(): Promise<void> {
    if (this.fence.length === 0) return;
    const coordinators = await TransactionCoordinators.connect(this.client.kafka);
    try {
      await abortLingeringTransactions(coordinators, this.fence, this.options.transactionTimeoutMs);
    } finally {
      await coordinators.disconnect();
    }
  }

  newBatch(): MessageBatch {
    return new MessageBatch();
  }

  async send(batch: MessageBatch): Promise<void> {
    const open = this.open ?? (this.open = await this.begin());
    await open.transaction.sendBatch({ topicMessages: batch.topicMessages(), acks: -1 });
  }

  async prepare(point: CommitPoint): Promise<KafkaCommittable[]> {
    const open = this.open;
    this.open = undefined;
    this.handedOutBefore = this.nextSeq;
    if (open === undefined) return [];
    // Only the connections go: the transaction stays open at its coordinator for the commit.
    await open.producer.disconnect();
    return [{ transactionalId: open.id, producerId: open.producerId, producerEpoch: open.producerEpoch, point }];
  }

  snapshotState(): KafkaWriterState[] {
    return [{ family: this.identity.family, jobId: this.identity.jobId, attempt: this.identity.attempt, nextSeq: this.handedOutBefore }];
  }

  async close(): Promise<void> {
    const open = this.open;
    this.open = undefined;
    if (open === undefined) return;
    try {
      await open.transaction.abort();
    } catch (error) {
      throw new KafkaSinkError(
        'AbortFailed',
        `KafkaSink: cannot abort the open transaction '${open.id}': ${(error as Error).message} — it stays open until the job's next start aborts it, or the broker's transaction timeout (${this.options.transactionTimeoutMs} ms) does; until then read_committed readers of its partitions wait`,
        error,
      );
    } finally {
      await open.producer.disconnect();
    }
  }

  private async begin(): Promise<OpenTransaction> {
    // The number is taken before the producer initializes it: a checkpoint's nextSeq must cover
    // every id this writer may have touched, even one whose initialization failed half-way.
    const id = transactionalId(this.identity.family, this.nextSeq++);
    const producer = this.client.kafka.producer({
      transactionalId: id,
      transactionTimeout: this.options.transactionTimeoutMs,
      maxInFlightRequests: 1,
      // Transactions are idempotent in kafkajs whatever this says; `true` would only initialize a
      // second, non-transactional producer id in connect().
      idempotent: false,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
      retry: { retries: this.options.client.retries, initialRetryTime: 100, maxRetryTime: 1000 },
    });
    try {
      await producer.connect();
      const { transaction, producerId, producerEpoch } = await this.client.beginFirstTransaction(producer);
      return { id, producer, transaction, producerId, producerEpoch };
    } catch (error) {
      await producer.disconnect().catch(() => undefined);
      throw writeError(error, this.options.brokers, `starting transaction '${id}'`);
    }
  }
}
