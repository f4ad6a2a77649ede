/**
 * KafkaSource readers against the real broker, driven the way a source task drives them: pollNext
 * until 'nothing', then wait on isAvailable(); snapshots between two polls.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ReaderOutput, SourceReader, SourceReaderContext } from '@sage/core';
import type { Transaction } from 'kafkajs';
import { committedValues, readCommitted, settled } from '../common/read-committed.js';
import { TestTopics, TEST_BROKERS } from '../common/test-topics.js';
import type { DecodeFailure, KafkaRecord } from './deserializers.js';
import { KafkaSourceError } from './errors.js';
import { KafkaSource } from './kafka-source.js';
import type { KafkaSourceOptions } from './options.js';
import type { KafkaPartitionSplit } from './partition-split.js';

const topics = new TestTopics('source');
const readers: SourceReader<unknown, KafkaPartitionSplit>[] = [];

beforeAll(() => topics.connect());
afterEach(async () => {
  await Promise.all(readers.splice(0).map((r) => r.close()));
});
afterAll(() => topics.close());

/** Fast group membership for tests: the broker is local. */
const FAST = { sessionTimeoutMs: 6000, heartbeatIntervalMs: 200, rebalanceTimeoutMs: 6000, maxWaitTimeMs: 100 } as const;

function source<T>(topic: string, groupId: string, options: Partial<KafkaSourceOptions> = {}): KafkaSource<T> {
  return new KafkaSource<T>({ brokers: TEST_BROKERS, topics: [topic], groupId, consumer: FAST, ...options });
}

function context(subtaskIndex: number, parallelism: number, restoredState?: readonly unknown[], attemptNumber = 0): SourceReaderContext {
  return { jobName: 'kafka source test', jobId: 'test-job', subtaskIndex, parallelism, attemptNumber, restoredState };
}

async function started<T>(src: KafkaSource<T>, ctx: SourceReaderContext): Promise<SourceReader<T, KafkaPartitionSplit>> {
  const reader = src.createReader(ctx);
  readers.push(reader as SourceReader<unknown, KafkaPartitionSplit>);
  await reader.start();
  return reader;
}

interface Emitted<T> {
  readonly values: T[];
  readonly timestamps: (number | undefined)[];
}

/**
 * Polls as a task does until `done(emitted)` holds or the reader ends; fails after `timeoutMs`.
 * Returns whether the reader answered 'end'.
 */
async function drive<T>(reader: SourceReader<T, unknown>, out: Emitted<T>, done: (out: Emitted<T>) => boolean, timeoutMs = 20_000): Promise<boolean> {
  const output: ReaderOutput<T> = {
    collect(value, timestamp) {
      out.values.push(value);
      out.timestamps.push(timestamp);
      return true;
    },
  };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (done(out)) return false;
    const status = reader.pollNext(output);
    if (status === 'end') return true;
    if (done(out)) return false;
    if (Date.now() > deadline) throw new Error(`reader did not get there in ${timeoutMs} ms; it emitted ${out.values.length} records`);
    if (status === 'nothing') {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([reader.isAvailable(), new Promise((resolve) => (timer = setTimeout(resolve, 200)))]);
      clearTimeout(timer);
    }
  }
}

function emitted<T>(): Emitted<T> {
  return { values: [], timestamps: [] };
}

const sorted = (values: readonly string[]) => [...values].sort();
const sum = (offsets: Map<number, number>) => [...offsets.values()].reduce((n, o) => n + Math.max(o, 0), 0);

describe('KafkaSource reading', () => {
  it('reads every record of a 4-partition topic exactly once at parallelism 1', async () => {
    const topic = await topics.create(4);
    const expected = await topics.produceNumbered(topic, 4, 400);
    const reader = await started(source<string>(topic, topics.group(), { bounded: true }), context(0, 1));
    const out = emitted<string>();
    expect(await drive(reader, out, () => false)).toBe(true);
    expect(sorted(out.values)).toEqual(sorted(expected));
  });

  it('splits the partitions among 3 subtasks, which together read every record exactly once', async () => {
    const topic = await topics.create(4);
    const expected = await topics.produceNumbered(topic, 4, 400);
    const src = source<string>(topic, topics.group(), { bounded: true });
    // Started together: each join makes the others rebalance, which must not repeat or skip a record.
    const subtasks = await Promise.all([0, 1, 2].map((i) => started(src, context(i, 3))));
    const outs = subtasks.map(() => emitted<string>());
    await Promise.all(subtasks.map((r, i) => drive(r, outs[i]!, () => false)));
    const all = outs.flatMap((o) => o.values);
    expect(sorted(all)).toEqual(sorted(expected));
    // Each partition is read by one subtask: a record's partition is its number mod 4.
    const partitionsOf = outs.map((o) => new Set(o.values.map((v) => Number(v.slice(2)) % 4)));
    expect(partitionsOf.reduce((n, s) => n + s.size, 0)).toBe(4);
    expect(src.readerMetrics().map((m) => m.partitions).sort()).toEqual([1, 1, 2]);
  });

  it('keeps reading exactly once through the rebalances that subtasks starting later cause', async () => {
    const topic = await topics.create(6);
    const expected = await topics.produceNumbered(topic, 6, 1200);
    const src = source<string>(topic, topics.group(), { bounded: true, maxBufferedRecords: 20 });
    const outs = [0, 1, 2].map(() => emitted<string>());
    const first = await started(src, context(0, 3));
    // Subtask 0 is mid-partition when each of the others joins and the group rebalances around it.
    await drive(first, outs[0]!, (o) => o.values.length >= 60);
    const second = await started(src, context(1, 3));
    await drive(first, outs[0]!, (o) => o.values.length >= 120);
    await drive(second, outs[1]!, (o) => o.values.length >= 60);
    const third = await started(src, context(2, 3));
    await Promise.all([first, second, third].map((r, i) => drive(r, outs[i]!, () => false)));
    expect(sorted(outs.flatMap((o) => o.values))).toEqual(sorted(expected));
    expect(src.readerMetrics()[0]!.groupJoins).toBeGreaterThanOrEqual(3);
  });

  it('ends in bounded mode at the end offsets seen at start, not at records written later', async () => {
    const topic = await topics.create(2);
    const first = await topics.produceNumbered(topic, 2, 100, 'before');
    const reader = await started(source<string>(topic, topics.group(), { bounded: true }), context(0, 1));
    await topics.produceNumbered(topic, 2, 50, 'after');
    const out = emitted<string>();
    expect(await drive(reader, out, () => false)).toBe(true);
    expect(sorted(out.values)).toEqual(sorted(first));
  });

  it('ends in bounded mode on a topic a transactional producer wrote, past commit markers and aborted records', async () => {
    const topic = await topics.create(1);
    const producer = topics.kafka.producer({ transactionalId: `sage-test-${topic}`, idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    try {
      const committed = await producer.transaction();
      await committed.send({ topic, messages: [{ partition: 0, value: 'kept-1' }, { partition: 0, value: 'kept-2' }] });
      await committed.commit();
      const aborted = await producer.transaction();
      await aborted.send({ topic, messages: [{ partition: 0, value: 'aborted' }] });
      await aborted.abort();
      const last = await producer.transaction();
      await last.send({ topic, messages: [{ partition: 0, value: 'kept-3' }] });
      await last.commit();
    } finally {
      await producer.disconnect();
    }
    const reader = await started(source<string>(topic, topics.group(), { bounded: true }), context(0, 1));
    const out = emitted<string>();
    expect(await drive(reader, out, () => false)).toBe(true);
    expect(out.values).toEqual(['kept-1', 'kept-2', 'kept-3']);
    // The position is past the last commit marker: a restore from it has nothing left to read.
    const [split] = reader.snapshotState(1);
    expect(split!.offset).toBe((await topics.endOffsets(topic)).get(0));
  });

  it('moves its position past an aborted transaction that arrives after it caught up, though no record comes of it', async () => {
    const topic = await topics.create(1);
    const producer = topics.kafka.producer({ transactionalId: `sage-test-${topic}`, idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    try {
      const reader = await started(source<string>(topic, topics.group()), context(0, 1));
      const committed = await producer.transaction();
      await committed.send({ topic, messages: [{ partition: 0, value: 'kept' }] });
      await committed.commit();
      const out = emitted<string>();
      await drive(reader, out, (o) => o.values.length >= 1);
      const aborted = await producer.transaction();
      await aborted.send({ topic, messages: [{ partition: 0, value: 'aborted-1' }, { partition: 0, value: 'aborted-2' }] });
      await aborted.abort();
      // The fetch after the abort holds nothing but aborted records and the abort marker.
      const end = (await topics.endOffsets(topic)).get(0);
      await drive(reader, out, () => reader.snapshotState(1)[0]!.offset === end);
      expect(out.values).toEqual(['kept']);
    } finally {
      await producer.disconnect();
    }
  });

  it('emits exactly what a read_committed Java consumer reads when transactions on a partition end in another order than they began', async () => {
    const topic = await topics.create(1);
    const producerOf = async (name: string) => {
      const producer = topics.kafka.producer({ transactionalId: `sage-test-source-${name}-${Date.now()}`, maxInFlightRequests: 1, idempotent: true, allowAutoTopicCreation: false });
      await producer.connect();
      return producer;
    };
    const a = await producerOf('a');
    const b = await producerOf('b');
    try {
      const send = (tx: Transaction, value: string) => tx.send({ topic, acks: -1, messages: [{ partition: 0, value }] });
      // Round 1: a begins, b begins; b commits first, then a aborts.
      const a1 = await a.transaction();
      await send(a1, 'a1-aborted-1');
      const b1 = await b.transaction();
      await send(b1, 'b1-committed-1');
      await send(a1, 'a1-aborted-2');
      await send(b1, 'b1-committed-2');
      await b1.commit();
      await a1.abort();
      // Round 2: b begins, a begins; a aborts first, then b aborts: two aborted transactions the
      // broker lists in the order they ended, not by first offset.
      const b2 = await b.transaction();
      await send(b2, 'b2-aborted-1');
      const a2 = await a.transaction();
      await send(a2, 'a2-aborted-1');
      await send(b2, 'b2-aborted-2');
      await a2.abort();
      await send(b2, 'b2-aborted-3');
      await b2.abort();
      // Round 3: a begins, b begins; b commits, then a commits.
      const a3 = await a.transaction();
      await send(a3, 'a3-committed-1');
      const b3 = await b.transaction();
      await send(b3, 'b3-committed-1');
      await b3.commit();
      await send(a3, 'a3-committed-2');
      await a3.commit();
    } finally {
      await Promise.all([a.disconnect(), b.disconnect()]);
    }
    const view = await readCommitted(TEST_BROKERS, topic);
    expect(settled(view)).toBe(true);
    const judged = committedValues(view);
    expect(judged).toEqual(['b1-committed-1', 'b1-committed-2', 'a3-committed-1', 'b3-committed-1', 'a3-committed-2']);
    // Small fetches too, so that transactions and their markers fall on fetch boundaries.
    for (const maxBytesPerPartition of [256 * 1024, 200]) {
      const reader = await started(source<string>(topic, topics.group(), { bounded: true, consumer: { ...FAST, maxBytesPerPartition } }), context(0, 1));
      const out = emitted<string>();
      expect(await drive(reader, out, () => false)).toBe(true);
      expect(out.values).toEqual(judged);
    }
  });

  it('emits keys, headers and timestamps with withMetadata, and gives record timestamps to the output', async () => {
    const topic = await topics.create(2);
    await topics.produce(topic, [
      { partition: 1, key: 'k1', value: 'v1', timestamp: 1_700_000_000_000, headers: { trace: 'abc', tag: ['x', 'y'] } },
      { partition: 1, key: null, value: 'v2', timestamp: 1_700_000_000_500 },
      { partition: 1, key: 'gone', value: null, timestamp: 1_700_000_000_900 },
    ]);
    const reader = await started(source<KafkaRecord<string>>(topic, topics.group(), { bounded: true, withMetadata: true }), context(0, 1));
    const out = emitted<KafkaRecord<string>>();
    expect(await drive(reader, out, () => false)).toBe(true);
    // The tombstone (null value) is skipped by the built-in deserializers.
    expect(out.values).toEqual([
      { topic, partition: 1, offset: 0, timestamp: 1_700_000_000_000, key: 'k1', value: 'v1', headers: { trace: 'abc', tag: ['x', 'y'] } },
      { topic, partition: 1, offset: 1, timestamp: 1_700_000_000_500, key: null, value: 'v2', headers: {} },
    ]);
    expect(out.timestamps).toEqual([1_700_000_000_000, 1_700_000_000_500]);
  });

  it('gives raw Buffers with the raw deserializer, and every record, tombstones too, to a function', async () => {
    const topic = await topics.create(1);
    await topics.produce(topic, [
      { partition: 0, key: Buffer.from([1, 2]), value: Buffer.from([0xff, 0x00]), headers: { h: Buffer.from([7]) } },
      { partition: 0, key: 'k', value: null },
    ]);
    const raw = await started(source<KafkaRecord<Buffer, Buffer>>(topic, topics.group(), { bounded: true, withMetadata: true, deserializer: 'raw' }), context(0, 1));
    const rawOut = emitted<KafkaRecord<Buffer, Buffer>>();
    await drive(raw, rawOut, () => false);
    expect(rawOut.values).toHaveLength(1);
    expect(rawOut.values[0]!.key).toEqual(Buffer.from([1, 2]));
    expect(rawOut.values[0]!.value).toEqual(Buffer.from([0xff, 0x00]));
    expect(rawOut.values[0]!.headers).toEqual({ h: Buffer.from([7]) });

    const fn = new KafkaSource({
      brokers: TEST_BROKERS,
      topics: [topic],
      groupId: topics.group(),
      bounded: true,
      consumer: FAST,
      deserializer: (record) => `${record.key?.length ?? 0}:${record.value === null ? 'tombstone' : record.value.length}`,
    });
    const fnOut = emitted<string>();
    await drive(await started(fn, context(0, 1)), fnOut, () => false);
    expect(fnOut.values).toEqual(['2:2', '1:tombstone']);
  });
});

describe('KafkaSource topic patterns and discovery', () => {
  it('reads the topics whose whole name matches topicPattern, and no others', async () => {
    const own = new TestTopics(`pattern${Date.now() % 100_000}`);
    try {
      const a = await own.create(2);
      const b = await own.create(1);
      const expected = [...(await own.produceNumbered(a, 2, 20, 'a')), ...(await own.produceNumbered(b, 1, 10, 'b'))];
      const prefix = a.slice(0, a.lastIndexOf('-'));
      const src = new KafkaSource<string>({ brokers: TEST_BROKERS, topicPattern: new RegExp(`${prefix}-[0-9a-f]+`), groupId: own.group(), bounded: true, consumer: FAST });
      const out = emitted<string>();
      expect(await drive(await started(src, context(0, 1)), out, () => false)).toBe(true);
      expect(sorted(out.values)).toEqual(sorted(expected));
      // A prefix alone does not match: the pattern must match the whole name.
      const partial = new KafkaSource<string>({ brokers: TEST_BROKERS, topicPattern: new RegExp(prefix), groupId: own.group(), bounded: true });
      const error = await started(partial, context(0, 1)).catch((e: unknown) => e);
      expect((error as KafkaSourceError).code).toBe('TopicNotFound');
    } finally {
      await Promise.all(readers.splice(0).map((r) => r.close()));
      await own.close();
    }
  });

  it('picks up new partitions and new matching topics while it runs, reading them from their first record', async () => {
    const own = new TestTopics(`discovery${Date.now() % 100_000}`);
    try {
      const a = await own.create(1);
      const first = await own.produceNumbered(a, 1, 10, 'a');
      const prefix = a.slice(0, a.lastIndexOf('-'));
      const src = new KafkaSource<string>({
        brokers: TEST_BROKERS,
        topicPattern: new RegExp(`${prefix}-[0-9a-f]+`),
        groupId: own.group(),
        partitionDiscoveryIntervalMs: 100,
        consumer: FAST,
      });
      const reader = await started(src, context(0, 1));
      const out = emitted<string>();
      await drive(reader, out, (o) => o.values.length >= 10);
      await own.addPartitions(a, 3);
      const b = await own.create(2);
      const later = [
        ...(await own.produce(a, [{ partition: 1, value: 'a-new-1' }, { partition: 2, value: 'a-new-2' }]).then(() => ['a-new-1', 'a-new-2'])),
        ...(await own.produceNumbered(b, 2, 6, 'b')),
      ];
      await drive(reader, out, (o) => o.values.length >= 18);
      expect(sorted(out.values)).toEqual(sorted([...first, ...later]));
      expect(src.readerMetrics()[0]!.partitions).toBe(5);
    } finally {
      await Promise.all(readers.splice(0).map((r) => r.close()));
      await own.close();
    }
  });
});

describe('KafkaSource starting offsets', () => {
  it("starts at the earliest record with 'earliest'", async () => {
    const topic = await topics.create(2);
    const expected = await topics.produceNumbered(topic, 2, 20);
    const out = emitted<string>();
    await drive(await started(source<string>(topic, topics.group(), { startingOffsets: 'earliest' }), context(0, 1)), out, (o) => o.values.length >= 20);
    expect(sorted(out.values)).toEqual(sorted(expected));
  });

  it("reads only records written after the reader started with 'latest'", async () => {
    const topic = await topics.create(2);
    await topics.produceNumbered(topic, 2, 20, 'old');
    const reader = await started(source<string>(topic, topics.group(), { startingOffsets: 'latest' }), context(0, 1));
    const fresh = await topics.produceNumbered(topic, 2, 10, 'new');
    const out = emitted<string>();
    await drive(reader, out, (o) => o.values.length >= 10);
    expect(sorted(out.values)).toEqual(sorted(fresh));
  });

  it("continues at the group's committed offsets with 'committed', and at the earliest where it has none", async () => {
    const topic = await topics.create(2);
    const values = await topics.produceNumbered(topic, 2, 20);
    const group = topics.group();
    // Partition 0 has r-0, r-2, ..., r-18: commit past its first 6; partition 1 has no committed offset.
    await topics.commitOffsets(group, topic, [{ partition: 0, offset: 6 }]);
    const out = emitted<string>();
    const expected = values.filter((v) => Number(v.slice(2)) % 2 === 1 || Number(v.slice(2)) >= 12);
    await drive(await started(source<string>(topic, group, { startingOffsets: 'committed' }), context(0, 1)), out, (o) => o.values.length >= expected.length);
    expect(sorted(out.values)).toEqual(sorted(expected));
  });

  it('starts at the first record at or after a timestamp', async () => {
    const topic = await topics.create(2);
    const t0 = 1_600_000_000_000;
    await topics.produce(
      topic,
      Array.from({ length: 20 }, (_, i) => ({ partition: i % 2, value: `t-${i}`, timestamp: t0 + i * 1000 })),
    );
    const out = emitted<string>();
    await drive(await started(source<string>(topic, topics.group(), { startingOffsets: { timestamp: t0 + 15_000 }, bounded: true }), context(0, 1)), out, () => false);
    expect(sorted(out.values)).toEqual(sorted(['t-15', 't-16', 't-17', 't-18', 't-19']));
  });
});

describe('KafkaSource decode errors', () => {
  async function jsonTopic(): Promise<string> {
    const topic = await topics.create(1);
    await topics.produce(topic, [
      { partition: 0, value: '{"n":1}' },
      { partition: 0, value: '{"n":' },
      { partition: 0, value: '{"n":3}' },
    ]);
    return topic;
  }

  it("fails with UndecodableRecord naming the record by default, before emitting anything after it", async () => {
    const topic = await jsonTopic();
    const reader = await started(source<{ n: number }>(topic, topics.group(), { deserializer: 'json', bounded: true }), context(0, 1));
    const out = emitted<{ n: number }>();
    const error = await drive(reader, out, () => false).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KafkaSourceError);
    expect((error as KafkaSourceError).code).toBe('UndecodableRecord');
    expect((error as Error).message).toMatch(new RegExp(`offset 1 of partition 0 of '${topic}'`));
    expect(out.values).toEqual([{ n: 1 }]);
    // The checkpointed position stops before the bad record: a restore meets it again, nothing is lost.
    expect(reader.snapshotState(1)[0]!.offset).toBe(1);
  });

  it("skips undecodable records with onDecodeError 'skip' and counts them", async () => {
    const topic = await jsonTopic();
    const src = source<{ n: number }>(topic, topics.group(), { deserializer: 'json', bounded: true, onDecodeError: 'skip' });
    const out = emitted<{ n: number }>();
    expect(await drive(await started(src, context(0, 1)), out, () => false)).toBe(true);
    expect(out.values).toEqual([{ n: 1 }, { n: 3 }]);
    expect(src.readerMetrics()[0]!.recordsSkipped).toBe(1);
  });

  it("emits a DecodeFailure in the record's place with onDecodeError 'emit'", async () => {
    const topic = await jsonTopic();
    const src = source<{ n: number } | DecodeFailure>(topic, topics.group(), { deserializer: 'json', bounded: true, onDecodeError: 'emit' });
    const out = emitted<{ n: number } | DecodeFailure>();
    expect(await drive(await started(src, context(0, 1)), out, () => false)).toBe(true);
    expect(out.values).toHaveLength(3);
    expect(out.values[0]).toEqual({ n: 1 });
    expect(out.values[1]).toMatchObject({ kind: 'KafkaDecodeFailure', topic, partition: 0, offset: 1, value: Buffer.from('{"n":') });
    expect((out.values[1] as DecodeFailure).error).toMatch(/JSON/);
    expect(out.values[2]).toEqual({ n: 3 });
  });
});

describe('KafkaSource failures', () => {
  it('fails with TopicNotFound for a missing topic, quickly and without creating it', async () => {
    const missing = `sage-test-missing-${Date.now()}`;
    const reader = source<string>(missing, topics.group()).createReader(context(0, 1));
    readers.push(reader);
    const began = Date.now();
    const error = await reader.start().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KafkaSourceError);
    expect((error as KafkaSourceError).code).toBe('TopicNotFound');
    expect((error as Error).message).toContain(`'${missing}' does not exist`);
    expect(Date.now() - began).toBeLessThan(10_000);
    expect(await (await topics.connect()).listTopics()).not.toContain(missing);
  });

  it('fails with BrokerUnreachable when no broker answers, within a bounded time', async () => {
    const reader = new KafkaSource({ brokers: ['127.0.0.1:1'], topics: ['t'], groupId: 'g', client: { retries: 2 } }).createReader(context(0, 1));
    readers.push(reader);
    const began = Date.now();
    const error = await reader.start().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KafkaSourceError);
    expect((error as KafkaSourceError).code).toBe('BrokerUnreachable');
    expect((error as Error).message).toContain('127.0.0.1:1');
    expect(Date.now() - began).toBeLessThan(15_000);
  });

  it('fails with ConsumerFailed and says why when the group belongs to consumers of another kind', async () => {
    const topic = await topics.create(1);
    const group = topics.group();
    const other = topics.kafka.consumer({ groupId: group, heartbeatInterval: 200, sessionTimeout: 6000, maxWaitTimeInMs: 100 });
    await other.connect();
    try {
      await other.subscribe({ topics: [topic] });
      await other.run({ eachMessage: async () => {} });
      const reader = source<string>(topic, group).createReader(context(0, 1));
      readers.push(reader);
      const error = await reader.start().catch((e: unknown) => e);
      expect((error as KafkaSourceError).code).toBe('ConsumerFailed');
      expect((error as Error).message).toMatch(/give the job a groupId of its own/);
    } finally {
      await other.disconnect();
    }
  });

  it('refuses contradictory options when the source is built', () => {
    const build = (options: Partial<KafkaSourceOptions>) => () => new KafkaSource({ brokers: TEST_BROKERS, groupId: 'g', topics: ['t'], ...options });
    expect(build({ topicPattern: /t/ })).toThrow(/either topics .* or topicPattern/);
    expect(build({ brokers: [] })).toThrow(/brokers/);
    expect(build({ bounded: true, partitionDiscoveryIntervalMs: 1000 })).toThrow(/bounded/);
    expect(build({ startingOffsets: 'newest' as 'latest' })).toThrow(/startingOffsets/);
    expect(build({ groupId: '' })).toThrow(/groupId/);
  });
});

describe('KafkaSource state', () => {
  it('goes on from the earliest retained record when retention deleted the records at its restored position', async () => {
    const topic = await topics.create(1);
    const values = await topics.produceNumbered(topic, 1, 10);
    const admin = await topics.connect();
    // kafkajs's deleteTopicRecords finds the leader only in metadata it already holds.
    await admin.fetchTopicMetadata({ topics: [topic] });
    await admin.deleteTopicRecords({ topic, partitions: [{ partition: 0, offset: '5' }] });
    // The checkpoint is older than the retention cut: offset 2 is gone, the broker answers OFFSET_OUT_OF_RANGE.
    const state: KafkaPartitionSplit[] = [{ topic, partition: 0, offset: 2, stoppingOffset: 10 }];
    const reader = await started(source<string>(topic, topics.group(), { bounded: true }), context(0, 1, state, 1));
    const out = emitted<string>();
    expect(await drive(reader, out, () => false)).toBe(true);
    expect(out.values).toEqual(values.slice(5));
    expect(reader.snapshotState(1)).toEqual([{ topic, partition: 0, offset: 10, stoppingOffset: 10 }]);
  });

  it('restores at another parallelism from union state and reads every remaining record exactly once', async () => {
    const topic = await topics.create(5);
    const expected = await topics.produceNumbered(topic, 5, 500);
    const group = topics.group();
    // A small buffer makes each poll emit a few records, so the snapshot falls mid-partition.
    const first = await Promise.all([0, 1, 2].map((i) => started(source<string>(topic, group, { bounded: true, maxBufferedRecords: 15 }), context(i, 3))));
    const before = first.map(() => emitted<string>());
    // Each subtask reads part of what it owns, then all snapshot as one checkpoint.
    await Promise.all(first.map((r, i) => drive(r, before[i]!, (o) => o.values.length >= 40)));
    const state = first.flatMap((r) => r.snapshotState(7));
    expect(state).toHaveLength(5);
    // The first readers go on to the end and commit that to the group: the restore must not read from there.
    await Promise.all(first.map((r, i) => drive(r, emitted<string>(), () => false).then(() => r.snapshotState(8)).then(() => r.notifyCheckpointComplete!(8))));
    await Promise.all(first.map((r) => (r as unknown as { commitsSettled(): Promise<void> }).commitsSettled()));
    expect(sum(await topics.committedOffsets(group, topic))).toBe(500);
    await Promise.all(readers.splice(0).map((r) => r.close()));

    const second = await Promise.all([0, 1].map((i) => started(source<string>(topic, group, { bounded: true }), context(i, 2, state, 1))));
    const after = second.map(() => emitted<string>());
    await Promise.all(second.map((r, i) => drive(r, after[i]!, () => false)));
    const all = [...before, ...after].flatMap((o) => o.values);
    expect(sorted(all)).toEqual(sorted(expected));
  });

  it('commits to the group only the offsets of completed checkpoints', async () => {
    const topic = await topics.create(2);
    await topics.produceNumbered(topic, 2, 200);
    const group = topics.group();
    const reader = await started(source<string>(topic, group, { maxBufferedRecords: 20 }), context(0, 1));
    const out = emitted<string>();
    await drive(reader, out, (o) => o.values.length >= 50);
    const atCheckpoint1 = reader.snapshotState(1);
    await drive(reader, out, (o) => o.values.length >= 200);
    const atCheckpoint2 = reader.snapshotState(2);
    const commits = () => (reader as unknown as { commitsSettled(): Promise<void> }).commitsSettled();

    // Nothing is committed while no checkpoint has completed, however much was read.
    expect([...(await topics.committedOffsets(group, topic)).values()]).toEqual([-1, -1]);
    await reader.notifyCheckpointComplete!(1);
    await commits();
    expect(await topics.committedOffsets(group, topic)).toEqual(new Map(atCheckpoint1.map((s) => [s.partition, s.offset])));
    await reader.notifyCheckpointComplete!(2);
    await commits();
    expect(await topics.committedOffsets(group, topic)).toEqual(new Map(atCheckpoint2.map((s) => [s.partition, s.offset])));
    expect(atCheckpoint2.reduce((n, s) => n + s.offset, 0)).toBe(200);
  });
});

describe('KafkaSource backpressure', () => {
  it('pauses fetching when its buffer is full and holds no more than maxBufferedRecords', async () => {
    const topic = await topics.create(3);
    const expected = await topics.produceNumbered(topic, 3, 3000);
    const src = source<string>(topic, topics.group(), { bounded: true, maxBufferedRecords: 200 });
    const reader = await started(src, context(0, 1));
    const metrics = src.readerMetrics()[0]!;
    // Nobody polls, as when the job downstream is backpressured: the consumer must stop at the bound.
    const deadline = Date.now() + 10_000;
    while (metrics.backpressurePauses === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(metrics.backpressurePauses).toBeGreaterThan(0);
    expect(metrics.bufferedRecords).toBe(200);
    expect(metrics.pausedPartitions).toBe(3);
    const out = emitted<string>();
    expect(await drive(reader, out, () => false)).toBe(true);
    expect(sorted(out.values)).toEqual(sorted(expected));
    expect(metrics.peakBufferedRecords).toBeLessThanOrEqual(200);
  });

  it('keeps fetching while the job keeps up: a fetch larger than the buffer waits for room instead of pausing the partitions', async () => {
    const topic = await topics.create(3);
    const expected = await topics.produceNumbered(topic, 3, 3000);
    const src = source<string>(topic, topics.group(), { bounded: true, maxBufferedRecords: 200 });
    const reader = await started(src, context(0, 1));
    const out = emitted<string>();
    expect(await drive(reader, out, () => false)).toBe(true);
    expect(sorted(out.values)).toEqual(sorted(expected));
    const metrics = src.readerMetrics()[0]!;
    // Pausing every partition would make kafkajs sleep for maxWaitTime before its next fetch.
    expect(metrics.backpressurePauses).toBe(0);
    expect(metrics.peakBufferedRecords).toBeLessThanOrEqual(200);
  });
});
