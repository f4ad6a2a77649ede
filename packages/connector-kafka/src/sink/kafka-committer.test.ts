/**
 * What a transaction coordinator (the real broker) answers EndTxn with, which the committer's
 * idempotence rests on, and the committer's reading of those answers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kafka, Partitioners, type Producer } from 'kafkajs';
import { readCommitted, committedValues } from '../common/read-committed.js';
import { TEST_BROKERS, TestTopics } from '../common/test-topics.js';
import { TransactionCoordinators, transactionalKafka, type ProducerIdentity, type TransactionalKafka } from '../common/kafkajs-internals.js';
import { KafkaSink, KafkaSinkError, type KafkaCommittable } from '../index.js';
import { forwardingLogCreator } from './kafka-client.js';

const topics = new TestTopics('kafka-committer');
let client: TransactionalKafka;
let coordinators: TransactionCoordinators;
const producers: Producer[] = [];
beforeAll(async () => {
  client = transactionalKafka({ brokers: [...TEST_BROKERS], clientId: 'sage-committer-test' }, forwardingLogCreator('nothing'));
  coordinators = await TransactionCoordinators.connect(client.kafka);
});
afterAll(async () => {
  for (const producer of producers) await producer.disconnect();
  await coordinators.disconnect();
  await topics.close();
});

let ids = 0;
/** A transactional producer with an open transaction holding `values`, and its identity. */
async function openTransaction(topic: string, values: string[], transactionTimeout = 60_000) {
  const transactionalId = `sage-test-committer-${process.pid}-${Date.now()}-${ids++}`;
  const producer = client.kafka.producer({ transactionalId, transactionTimeout, maxInFlightRequests: 1, allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
  producers.push(producer);
  await producer.connect();
  const { transaction, producerId, producerEpoch } = await client.beginFirstTransaction(producer);
  await transaction.sendBatch({ topicMessages: [{ topic, messages: values.map((value) => ({ value })) }] });
  return { transactionalId, producer, transaction, identity: { producerId, producerEpoch } as ProducerIdentity };
}

async function endTxnAnswer(transactionalId: string, identity: ProducerIdentity, commit: boolean): Promise<string> {
  for (let attempt = 0; attempt < 200; attempt++) {
    try {
      await coordinators.endTxn(transactionalId, identity, commit);
      return 'OK';
    } catch (error) {
      const type = (error as { type?: string }).type ?? String(error);
      // The coordinator is still writing the previous outcome's markers.
      if (type === 'CONCURRENT_TRANSACTIONS') continue;
      return type;
    }
  }
  return 'CONCURRENT_TRANSACTIONS for good';
}

function committable(transactionalId: string, identity: ProducerIdentity): KafkaCommittable {
  return { transactionalId, ...identity, point: 1 };
}

const committer = () => new KafkaSink<string>({ brokers: TEST_BROKERS, topic: 'unused', serializer: 'string', deliveryGuarantee: 'exactly-once' }).createCommitter();

describe('what the transaction coordinator answers EndTxn(COMMIT) with (Kafka 3.9.1)', () => {
  it('reads the producer id and epoch a transactional producer got from kafkajs', async () => {
    const topic = await topics.create(1);
    const { identity } = await openTransaction(topic, ['a']);
    expect(identity.producerId).toMatch(/^\d+$/);
    expect(identity.producerEpoch).toBe(0);
  });

  it('commits an open transaction from another connection, and answers success again once it is committed', async () => {
    const topic = await topics.create(2);
    const { transactionalId, producer, identity } = await openTransaction(topic, ['a', 'b', 'c']);
    await producer.disconnect();
    expect(await endTxnAnswer(transactionalId, identity, true)).toBe('OK');
    expect(await endTxnAnswer(transactionalId, identity, true)).toBe('OK');
    expect(committedValues(await readCommitted(TEST_BROKERS, topic)).sort()).toEqual(['a', 'b', 'c']);
  });

  it('answers INVALID_TXN_STATE for a transaction that was aborted, and INVALID_PRODUCER_EPOCH once its id is fenced', async () => {
    const topic = await topics.create(1);
    const aborted = await openTransaction(topic, ['aborted']);
    await aborted.transaction.abort();
    expect(await endTxnAnswer(aborted.transactionalId, aborted.identity, true)).toBe('INVALID_TXN_STATE');

    const fenced = await openTransaction(topic, ['fenced']);
    const after = await initUntilDone(fenced.transactionalId);
    expect(after.producerEpoch).toBeGreaterThan(fenced.identity.producerEpoch);
    expect(await endTxnAnswer(fenced.transactionalId, fenced.identity, true)).toBe('INVALID_PRODUCER_EPOCH');
    expect(committedValues(await readCommitted(TEST_BROKERS, topic))).toEqual([]);
  });

  it('commits the next transaction of a reused producer id and epoch: why a transactional id is never reused', async () => {
    const topic = await topics.create(1);
    const first = await openTransaction(topic, ['first']);
    await first.transaction.commit();
    // kafkajs keeps the producer id and epoch for the producer's next transaction.
    const second = await first.producer.transaction();
    await second.sendBatch({ topicMessages: [{ topic, messages: [{ value: 'written after the checkpoint' }] }] });
    expect(await endTxnAnswer(first.transactionalId, first.identity, true)).toBe('OK');
    expect(committedValues(await readCommitted(TEST_BROKERS, topic))).toEqual(['first', 'written after the checkpoint']);
  });
});

async function initUntilDone(transactionalId: string): Promise<ProducerIdentity> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await coordinators.initProducerId(transactionalId, 60_000);
    } catch (error) {
      // The coordinator is still aborting the fenced transaction.
      if ((error as { type?: string }).type !== 'CONCURRENT_TRANSACTIONS' || attempt > 200) throw error;
    }
  }
}

describe('KafkaCommitter', () => {
  it('commits prepared transactions with its own client, and committing them again is harmless', async () => {
    const topic = await topics.create(2);
    const a = await openTransaction(topic, ['a1', 'a2']);
    const b = await openTransaction(topic, ['b1']);
    for (const { producer } of [a, b]) await producer.disconnect();
    const committables = [committable(a.transactionalId, a.identity), committable(b.transactionalId, b.identity)];
    await committer().commit(committables);
    await committer().commit(committables);
    await committer().commit([committables[1]!]);
    expect(committedValues(await readCommitted(TEST_BROKERS, topic)).sort()).toEqual(['a1', 'a2', 'b1']);
  });

  it('fails with TransactionAborted, never success, for a transaction that was aborted or fenced, and still commits the others', async () => {
    const topic = await topics.create(1);
    const aborted = await openTransaction(topic, ['aborted']);
    await aborted.transaction.abort();
    const fenced = await openTransaction(topic, ['fenced']);
    await initUntilDone(fenced.transactionalId);
    const good = await openTransaction(topic, ['good']);
    await good.producer.disconnect();
    for (const c of [committable(aborted.transactionalId, aborted.identity), committable(fenced.transactionalId, fenced.identity)]) {
      const error = await committer()
        .commit([c, committable(good.transactionalId, good.identity)])
        .then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(KafkaSinkError);
      expect((error as KafkaSinkError).code).toBe('TransactionAborted');
      expect((error as Error).message).toContain(c.transactionalId);
      expect((error as Error).message).toMatch(/records are lost/);
    }
    expect(committedValues(await readCommitted(TEST_BROKERS, topic))).toEqual(['good']);
  });

  it('fails with TransactionAborted for a transaction the broker aborted after transactionTimeoutMs', async () => {
    const topic = await topics.create(1);
    const expired = await openTransaction(topic, ['expired'], 1000);
    await expired.producer.disconnect();
    // The broker looks for expired transactions every 10 s (transaction.abort.timed.out.transaction.cleanup.interval.ms).
    const deadline = Date.now() + 40_000;
    while ((await readCommitted(TEST_BROKERS, topic)).lastStable.get(0) === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 1000));
    const error = await committer()
      .commit([committable(expired.transactionalId, expired.identity)])
      .then(() => undefined, (e: unknown) => e);
    expect((error as KafkaSinkError).code).toBe('TransactionAborted');
    expect((error as Error).message).toMatch(/transactionTimeoutMs/);
  }, 60_000);

  it('fails with BrokerUnreachable in bounded time when no broker answers', async () => {
    const sink = new KafkaSink<string>({ brokers: ['127.0.0.1:1'], topic: 't', serializer: 'string', deliveryGuarantee: 'exactly-once', client: { retries: 1 } });
    const started = Date.now();
    const error = await sink
      .createCommitter()
      .commit([{ transactionalId: 'x', producerId: '1', producerEpoch: 0, point: 1 }])
      .then(() => undefined, (e: unknown) => e);
    expect((error as KafkaSinkError).code).toBe('BrokerUnreachable');
    expect((error as Error).message).toContain('127.0.0.1:1');
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});

describe('kafkajs internals', () => {
  it('refuses a KAFKAJS_LOG_LEVEL that hides the producer id entry, with what to do', () => {
    const before = process.env.KAFKAJS_LOG_LEVEL;
    process.env.KAFKAJS_LOG_LEVEL = 'info';
    try {
      expect(() => new KafkaSink<string>({ brokers: TEST_BROKERS, topic: 't', serializer: 'string', deliveryGuarantee: 'exactly-once' })).toThrow(/unset KAFKAJS_LOG_LEVEL/);
      // Only exactly-once needs the entry.
      expect(() => new KafkaSink<string>({ brokers: TEST_BROKERS, topic: 't', serializer: 'string', deliveryGuarantee: 'at-least-once' })).not.toThrow();
    } finally {
      if (before === undefined) delete process.env.KAFKAJS_LOG_LEVEL;
      else process.env.KAFKAJS_LOG_LEVEL = before;
    }
  });

  it('refuses to guess a producer id when kafkajs logs none: a producer that initialized its id before', async () => {
    const topic = await topics.create(1);
    const { producer, transaction } = await openTransaction(topic, ['a']);
    await transaction.commit();
    await expect(client.beginFirstTransaction(producer)).rejects.toThrow(/'Initialized producer id & epoch' .* \(seen 0 times instead of once\)/);
  });

  it('fails with KafkajsInternalsUnavailable when the Kafka object lacks the private cluster factory', async () => {
    const bare = Object.create(Kafka.prototype) as Kafka;
    await expect(TransactionCoordinators.connect(bare)).rejects.toThrow(/lacks: the Kafka object's Symbol\('private:Kafka:createCluster'\) function/);
  });
});
