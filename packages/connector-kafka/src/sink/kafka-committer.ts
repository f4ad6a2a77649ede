/**
 * Commits the transactions that exactly-once writers prepared, by producer id and epoch, with EndTxn
 * sent straight to each transaction's coordinator: the same path whether the writer that prepared the
 * transaction is alive in this process or was killed with it (recovery commits a completed
 * checkpoint's committables in a new process). The writer no longer holds a producer for a prepared
 * transaction; the broker keeps it open under its id until this commit (or its timeout).
 *
 * What the coordinator answers EndTxn(COMMIT) with the committable's id, producer id and epoch (Kafka
 * 3.9.1, measured, see the README):
 * - the transaction is open: it is committed — no error;
 * - it was committed already: no error again (nothing changed) — so committing twice is harmless;
 * - it was aborted by an EndTxn(ABORT) with that epoch: INVALID_TXN_STATE;
 * - it was aborted by the broker's timeout, or its id fenced by a newer producer: the epoch moved on,
 *   INVALID_PRODUCER_EPOCH (PRODUCER_FENCED from newer brokers to newer clients);
 * - the id's state expired (transactional.id.expiration.ms) or belongs to another producer id:
 *   INVALID_PRODUCER_ID_MAPPING.
 * Only the first two are success: every other answer means the records may be lost, and the commit
 * fails with an error that says so — never reported as committed.
 */
import type { CommitPoint, Committer } from '@sage/core';
import { TransactionCoordinators } from '../common/kafkajs-internals.js';
import { withCoordinatorRetries } from './coordinator-retry.js';
import { KafkaSinkError, kafkaFailure, writeError } from './errors.js';
import { plainKafka } from './kafka-client.js';
import type { ResolvedKafkaSinkOptions } from './options.js';

/** A prepared transaction: what it takes to commit it from any process. Plain data (msgpack). */
export interface KafkaCommittable {
  readonly transactionalId: string;
  /** An int64 as a decimal string. */
  readonly producerId: string;
  readonly producerEpoch: number;
  /** The checkpoint (or the end of input) the transaction's records belong to. */
  readonly point: CommitPoint;
}

const CONCURRENCY = 8;

export class KafkaCommitter implements Committer<KafkaCommittable> {
  constructor(
    private readonly options: ResolvedKafkaSinkOptions<unknown>,
    private readonly jobName: string,
  ) {}

  async commit(committables: readonly KafkaCommittable[]): Promise<void> {
    if (committables.length === 0) return;
    const kafka = plainKafka(this.options, this.jobName);
    let coordinators: TransactionCoordinators;
    try {
      coordinators = await TransactionCoordinators.connect(kafka);
    } catch (error) {
      throw writeError(error, this.options.brokers, `committing ${committables.length} transaction(s)`);
    }
    try {
      // Every committable is tried, so one that cannot be committed does not hold the others back.
      const queue = [...committables];
      const failures: unknown[] = [];
      const worker = async () => {
        for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
          try {
            await commitOne(coordinators, next, this.options);
          } catch (error) {
            failures.push(error);
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(CONCURRENCY, queue.length) }, worker));
      if (failures.length > 0) throw failures[0];
    } finally {
      await coordinators.disconnect();
    }
  }
}

async function commitOne(coordinators: TransactionCoordinators, committable: KafkaCommittable, options: ResolvedKafkaSinkOptions<unknown>): Promise<void> {
  const { transactionalId, producerId, producerEpoch, point } = committable;
  const which = `transaction '${transactionalId}' (producer id ${producerId}, epoch ${producerEpoch}) of ${point === 'end-of-input' ? 'the end of input' : `checkpoint ${point}`}`;
  try {
    await withCoordinatorRetries(() => coordinators.endTxn(transactionalId, { producerId, producerEpoch }, true));
  } catch (error) {
    const failure = kafkaFailure(error);
    switch (failure.type) {
      case 'INVALID_PRODUCER_EPOCH':
      case 'PRODUCER_FENCED':
      case 'INVALID_TXN_STATE':
        throw new KafkaSinkError(
          'TransactionAborted',
          `KafkaSink: cannot commit ${which}: the broker aborted it (${failure.type}), so its records are lost — most likely it stayed open longer than transactionTimeoutMs (${options.transactionTimeoutMs} ms) before this commit; make transactionTimeoutMs longer than the checkpoint interval plus the time a restart takes (the broker allows up to transaction.max.timeout.ms), and check that no other job uses the same transactional ids`,
          error,
        );
      case 'INVALID_PRODUCER_ID_MAPPING':
        throw new KafkaSinkError(
          'TransactionUnknown',
          `KafkaSink: cannot commit ${which}: the broker no longer knows that producer under this transactional id (${failure.type}) — its state expired (transactional.id.expiration.ms) or the id was taken over; whether its records were committed cannot be told`,
          error,
        );
      case 'TRANSACTIONAL_ID_AUTHORIZATION_FAILED':
        throw new KafkaSinkError('CommitFailed', `KafkaSink: cannot commit ${which}: not authorized — grant Write and Describe on TransactionalId prefix '${options.transactionalIdPrefix}-'`, error);
    }
    const cause = writeError(error, options.brokers, `committing ${which}`);
    throw new KafkaSinkError(cause.code === 'BrokerUnreachable' ? 'BrokerUnreachable' : 'CommitFailed', `${cause.message} — the transaction stays open; the job's recovery commits it again`, error);
  }
}
