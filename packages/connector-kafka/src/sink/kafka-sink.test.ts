import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { END_OF_INPUT, type SinkWriter } from '@sage/core';
import { Partitioners, type KafkaMessage } from 'kafkajs';
import { TEST_BROKERS, TestTopics } from '../common/test-topics.js';
import { KafkaSink, KafkaSinkError, type KafkaCommittable, type KafkaSinkOptions } from '../index.js';

const topics = new TestTopics('kafka-sink');
afterAll(() => topics.close());

let writers: SinkWriter<never, KafkaCommittable>[] = [];
afterEach(async () => {
  for (const writer of writers) await writer.close();
  writers = [];
});

function writerOf<T>(options: KafkaSinkOptions<T>, subtaskIndex = 0): SinkWriter<T, KafkaCommittable> {
  const writer = new KafkaSink<T>(options).createWriter({ jobName: 'kafka sink test', jobId: 'job-1', subtaskIndex, parallelism: 1, attemptNumber: 0, restoredState: undefined });
  writers.push(writer as SinkWriter<never, KafkaCommittable>);
  return writer;
}

/** Every message of the topic, read with a kafkajs consumer (no transactions are involved here). */
async function readAll(topic: string, count: number): Promise<(KafkaMessage & { partition: number })[]> {
  const consumer = topics.kafka.consumer({ groupId: topics.group(), allowAutoTopicCreation: false, maxWaitTimeInMs: 100 });
  const seen: (KafkaMessage & { partition: number })[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    let done!: () => void;
    const all = new Promise<void>((resolve) => (done = resolve));
    if (count === 0) done();
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        seen.push({ ...message, partition });
        if (seen.length >= count) done();
      },
    });
    await Promise.race([all, new Promise((_, reject) => setTimeout(() => reject(new Error(`read ${seen.length} of ${count} messages of '${topic}'`)), 20_000))]);
  } finally {
    await consumer.disconnect();
  }
  return seen;
}

async function totalMessages(topic: string): Promise<number> {
  let total = 0;
  for (const end of (await topics.endOffsets(topic)).values()) total += end;
  return total;
}

describe('KafkaSink at-least-once', () => {
  it('writes every record, and has each one acknowledged before prepareCommit returns', async () => {
    const topic = await topics.create(3);
    const writer = writerOf<{ n: number; pad: string }>({ brokers: TEST_BROKERS, topic, serializer: 'json', deliveryGuarantee: 'at-least-once' });
    const records = Array.from({ length: 20_000 }, (_, n) => ({ n, pad: 'x'.repeat(50) }));
    const before = Date.now();
    for (const record of records.slice(0, 12_000)) writer.write(record, undefined);
    expect(await writer.prepareCommit(1)).toEqual([]);
    // The barrier's records are all in Kafka now; no commit step is involved.
    expect(await totalMessages(topic)).toBe(12_000);
    for (const record of records.slice(12_000)) writer.write(record, undefined);
    const after = Date.now();
    expect(await writer.prepareCommit(END_OF_INPUT)).toEqual([]);
    const read = await readAll(topic, records.length);
    expect(read.map((m) => JSON.parse(m.value!.toString()).n).sort((a: number, b: number) => a - b)).toEqual(records.map((r) => r.n));
    // A record without a timestamp gets the time it was written, as Kafka's Java producer stamps it.
    for (const m of read) expect(Number(m.timestamp)).toBeGreaterThanOrEqual(before);
    for (const m of read) expect(Number(m.timestamp)).toBeLessThanOrEqual(after);
  });

  it('routes records with topicSelector, keys them with keySelector, and writes static and per-record headers and timestamps', async () => {
    const [even, odd] = [await topics.create(4), await topics.create(4)];
    const writer = writerOf<{ user: string; n: number }>({
      brokers: TEST_BROKERS,
      topicSelector: (r) => (r.n % 2 === 0 ? even : odd),
      keySelector: (r) => r.user,
      serializer: (r) => Buffer.from(`${r.user}:${r.n}`),
      headers: (r) => ({ source: 'sage', parity: r.n % 2 === 0 ? 'even' : 'odd', raw: Buffer.from([r.n % 256]) }),
      deliveryGuarantee: 'at-least-once',
    });
    const users = ['ann', 'bob', 'cyd', 'dee', 'eve'];
    const timestamp = Date.UTC(2024, 0, 1);
    for (let n = 0; n < 1000; n++) writer.write({ user: users[n % users.length]!, n }, timestamp + n);
    await writer.prepareCommit(END_OF_INPUT);
    for (const [topic, parity] of [[even, 0], [odd, 1]] as const) {
      const read = await readAll(topic, 500);
      expect(read).toHaveLength(500);
      for (const m of read) {
        const [user, n] = m.value!.toString().split(':');
        expect(Number(n) % 2).toBe(parity);
        expect(m.key!.toString()).toBe(user);
        expect(m.headers!.source!.toString()).toBe('sage');
        expect(m.headers!.parity!.toString()).toBe(parity === 0 ? 'even' : 'odd');
        expect([...(m.headers!.raw as Buffer)]).toEqual([Number(n) % 256]);
        expect(Number(m.timestamp)).toBe(timestamp + Number(n));
      }
      // The key decides the partition: each user's records share one.
      const partitionsOf = new Map<string, Set<number>>();
      for (const m of read) partitionsOf.set(m.key!.toString(), (partitionsOf.get(m.key!.toString()) ?? new Set()).add(m.partition));
      for (const partitions of partitionsOf.values()) expect(partitions.size).toBe(1);
    }
  });

  it("places keyed records in the partition kafkajs's DefaultPartitioner (Java's murmur2) picks, the others round robin, each partition in write order", async () => {
    const topic = await topics.create(5);
    const writer = writerOf<{ key: string | Buffer | null; n: number }>({ brokers: TEST_BROKERS, topic, keySelector: (r) => r.key, serializer: (r) => String(r.n), deliveryGuarantee: 'at-least-once' });
    const keyOf = (n: number) => (n % 3 === 0 ? null : n % 3 === 1 ? `user-${n % 37}-ü` : Buffer.from([n % 11, 0, 255]));
    const count = 3000;
    // The first records are written before the writer has the topic's metadata, the rest after.
    for (let n = 0; n < 1000; n++) writer.write({ key: keyOf(n), n }, undefined);
    await writer.prepareCommit(1);
    for (let n = 1000; n < count; n++) writer.write({ key: keyOf(n), n }, undefined);
    await writer.prepareCommit(END_OF_INPUT);
    const read = await readAll(topic, count);
    expect(read).toHaveLength(count);
    const kafkajsPartitioner = Partitioners.DefaultPartitioner();
    const partitionMetadata = [0, 1, 2, 3, 4].map((partitionId) => ({ partitionId, leader: 1, replicas: [1], isr: [1], partitionErrorCode: 0 }));
    const unkeyed = new Map<number, number>();
    const lastOf = new Map<number, number>();
    for (const m of read) {
      const n = Number(m.value!.toString());
      const key = keyOf(n);
      if (key === null) unkeyed.set(m.partition, (unkeyed.get(m.partition) ?? 0) + 1);
      else expect(m.partition).toBe(kafkajsPartitioner({ topic, partitionMetadata, message: { key, value: null } }));
      expect(n).toBeGreaterThan(lastOf.get(m.partition) ?? -1);
      lastOf.set(m.partition, n);
    }
    expect([...unkeyed.values()].sort()).toEqual([200, 200, 200, 200, 200]);
  });

  it("writes strings as they are with serializer 'string', and null as a tombstone from a serializer function", async () => {
    const topic = await topics.create(1);
    const strings = writerOf<string>({ brokers: TEST_BROKERS, topic, serializer: 'string', keySelector: (s) => s, deliveryGuarantee: 'at-least-once' });
    strings.write('héllo', undefined);
    await strings.prepareCommit(END_OF_INPUT);
    const tombstones = writerOf<string>({ brokers: TEST_BROKERS, topic, serializer: () => null, keySelector: (s) => s, deliveryGuarantee: 'at-least-once' });
    tombstones.write('héllo', undefined);
    await tombstones.prepareCommit(END_OF_INPUT);
    const read = await readAll(topic, 2);
    expect(read.map((m) => [m.key!.toString(), m.value?.toString() ?? null])).toEqual([
      ['héllo', 'héllo'],
      ['héllo', null],
    ]);
  });

  it('fails a record that has no form for its serializer, in write()', () => {
    const json = writerOf<unknown>({ brokers: TEST_BROKERS, topic: 't', serializer: 'json', deliveryGuarantee: 'at-least-once' });
    expect(() => json.write(undefined, undefined)).toThrow(/no JSON form/);
    const string = writerOf<unknown>({ brokers: TEST_BROKERS, topic: 't', serializer: 'string', deliveryGuarantee: 'at-least-once' });
    expect(() => string.write(42, undefined)).toThrow(/serializer 'string' got a record of type number/);
  });

  it('holds the task back while more than maxBufferedBytes wait for acknowledgement, and delivers everything', async () => {
    const topic = await topics.create(2);
    const writer = writerOf<string>({ brokers: TEST_BROKERS, topic, serializer: 'string', deliveryGuarantee: 'at-least-once', maxBufferedBytes: 64 * 1024 });
    const value = 'v'.repeat(1000);
    let blocked = 0;
    for (let i = 0; i < 2000; i++) {
      if (!writer.isAvailable!()) {
        blocked++;
        await writer.whenAvailable!();
        expect(writer.isAvailable!()).toBe(true);
      }
      writer.write(value, undefined);
    }
    await writer.prepareCommit(1);
    expect(blocked).toBeGreaterThan(0);
    expect(await totalMessages(topic)).toBe(2000);
  });

  it("with 'none', does not wait for records at checkpoints, but flushes them at the end of input", async () => {
    const topic = await topics.create(1);
    const writer = writerOf<string>({ brokers: TEST_BROKERS, topic, serializer: 'string', deliveryGuarantee: 'none' });
    for (let i = 0; i < 100; i++) writer.write(`r${i}`, undefined);
    expect(await writer.prepareCommit(1)).toEqual([]);
    expect(await writer.prepareCommit(END_OF_INPUT)).toEqual([]);
    expect(await totalMessages(topic)).toBe(100);
  });
});

describe('KafkaSink failures', () => {
  it('fails with TopicNotFound naming the topic when the topic does not exist', async () => {
    const writer = writerOf<string>({ brokers: TEST_BROKERS, topic: 'sage-test-no-such-topic', serializer: 'string', deliveryGuarantee: 'at-least-once' });
    writer.write('a', undefined);
    const started = Date.now();
    const error = await writer.prepareCommit(1).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(KafkaSinkError);
    expect((error as KafkaSinkError).code).toBe('TopicNotFound');
    expect((error as Error).message).toContain("'sage-test-no-such-topic' does not exist");
    expect(Date.now() - started).toBeLessThan(5000);
    // The writer stays failed: the task's next record fails too.
    expect(() => writer.write('b', undefined)).toThrow(/does not exist/);
  });

  it('fails with TopicNotFound when its topic is deleted while it writes: the retry reloads metadata and finds it gone', async () => {
    const admin = await topics.connect();
    const topic = `sage-test-kafka-sink-deleted-${randomBytes(4).toString('hex')}`;
    await admin.createTopics({ topics: [{ topic, numPartitions: 2, replicationFactor: 1 }], waitForLeaders: true });
    const writer = writerOf<string>({ brokers: TEST_BROKERS, topic, serializer: 'string', deliveryGuarantee: 'at-least-once' });
    writer.write('before', undefined);
    await writer.prepareCommit(1);
    await admin.deleteTopics({ topics: [topic] });
    writer.write('after', undefined);
    const started = Date.now();
    const error = await writer.prepareCommit(2).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(KafkaSinkError);
    expect((error as KafkaSinkError).code).toBe('TopicNotFound');
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('fails with TopicNotFound naming the missing topic among those a topicSelector picks', async () => {
    const existing = await topics.create(1);
    for (const guarantee of ['at-least-once', 'exactly-once'] as const) {
      const writer = writerOf<string>({ brokers: TEST_BROKERS, topicSelector: (s) => s, serializer: 'string', deliveryGuarantee: guarantee });
      writer.write(existing, undefined);
      writer.write('sage-test-missing-topic', undefined);
      const error = await writer.prepareCommit(1).then(() => undefined, (e: unknown) => e);
      expect((error as KafkaSinkError).code).toBe('TopicNotFound');
      expect((error as Error).message).toMatch(/topic 'sage-test-missing-topic' does not exist/);
    }
  });

  it('fails with BrokerUnreachable in bounded time when no broker answers', async () => {
    for (const guarantee of ['at-least-once', 'exactly-once'] as const) {
      const writer = writerOf<string>({ brokers: ['127.0.0.1:1'], topic: 't', serializer: 'string', deliveryGuarantee: guarantee, client: { retries: 1 } });
      writer.write('a', undefined);
      const started = Date.now();
      const error = await writer.prepareCommit(END_OF_INPUT).then(() => undefined, (e: unknown) => e);
      expect((error as KafkaSinkError).code).toBe('BrokerUnreachable');
      expect((error as Error).message).toMatch(/cannot reach the Kafka brokers 127\.0\.0\.1:1/);
      expect(Date.now() - started).toBeLessThan(10_000);
    }
  });

  it('rejects invalid options when the sink is built', () => {
    const base = { brokers: TEST_BROKERS, serializer: 'json' as const, deliveryGuarantee: 'exactly-once' as const };
    expect(() => new KafkaSink({ ...base })).toThrow(/either topic .* or topicSelector/);
    expect(() => new KafkaSink({ ...base, topic: 'a', topicSelector: () => 'b' })).toThrow(/not both/);
    expect(() => new KafkaSink({ ...base, topic: 'a', brokers: ['localhost'] })).toThrow(/host:port/);
    expect(() => new KafkaSink({ ...base, topic: 'a', deliveryGuarantee: 'exactly-twice' as never })).toThrow(/deliveryGuarantee/);
    expect(() => new KafkaSink({ ...base, topic: 'a', serializer: 'avro' as never })).toThrow(/serializer/);
    expect(() => new KafkaSink({ ...base, topic: 'a', transactionTimeoutMs: 10 })).toThrow(/transactionTimeoutMs/);
    expect(() => new KafkaSink({ ...base, topic: 'a', transactionalIdPrefix: 'has space' })).toThrow(/transactionalIdPrefix/);
    expect(() => new KafkaSink({ ...base, topic: 'a', headers: { a: 1 } as never })).toThrow(/headers/);
    try {
      new KafkaSink({ ...base });
    } catch (error) {
      expect((error as KafkaSinkError).code).toBe('InvalidOption');
    }
  });
});
