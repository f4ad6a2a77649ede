import { afterAll, describe, expect, it } from 'vitest';
import { Partitioners } from 'kafkajs';
import { committedValues, readCommitted, settled } from './read-committed.js';
import { TEST_BROKERS, TestTopics } from './test-topics.js';

const topics = new TestTopics('read-committed');
afterAll(() => topics.close());

async function transaction(topic: string, value: string) {
  const producer = topics.kafka.producer({
    transactionalId: `sage-test-read-committed-${value}-${Date.now()}`,
    maxInFlightRequests: 1,
    idempotent: true,
    allowAutoTopicCreation: false,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  const tx = await producer.transaction();
  await tx.send({ topic, messages: [{ value }] });
  return { producer, tx };
}

describe('readCommitted (test support)', () => {
  it("reads what a read_committed reader must see, where kafkajs's read_committed consumer shows a record of an aborted transaction", async () => {
    const topic = await topics.create(1);
    // Two transactions begin in one order and are aborted in the other: the broker then lists them
    // out of first-offset order, which kafkajs 2.2.4 (consumer/filterAbortedMessages.js) does not expect.
    const first = await transaction(topic, 'aborted-first');
    const second = await transaction(topic, 'aborted-second');
    await second.tx.abort();
    await first.tx.abort();
    const third = await transaction(topic, 'committed');
    await third.tx.commit();
    for (const { producer } of [first, second, third]) await producer.disconnect();

    const view = await readCommitted(TEST_BROKERS, topic);
    expect(committedValues(view)).toEqual(['committed']);
    expect(settled(view)).toBe(true);

    const consumer = topics.kafka.consumer({ groupId: topics.group(), allowAutoTopicCreation: false, maxWaitTimeInMs: 100 });
    const seen: string[] = [];
    await consumer.connect();
    try {
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({ eachMessage: async ({ message }) => void seen.push(message.value!.toString()) });
      const deadline = Date.now() + 15_000;
      while (!seen.includes('committed') && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      await consumer.disconnect();
    }
    expect(seen).toEqual(['aborted-first', 'committed']);
  });
});
