import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { encodeProduceRequest } from './produce-request.js';
import { NO_PRODUCER, RecordBatchBuilder, type RecordHeaders } from './record-batch-builder.js';

const require = createRequire(import.meta.url);
type KafkajsHeaders = Record<string, string | Buffer | (string | Buffer)[]>;
interface KafkajsEncoder {
  readonly buffer: Buffer;
}
const kafkajsRecord = require('kafkajs/src/protocol/recordBatch/record/v0') as (record: {
  offsetDelta: number;
  timestampDelta: number;
  key: string | Buffer | null;
  value: string | Buffer | null;
  headers?: KafkajsHeaders;
}) => KafkajsEncoder;
const { RecordBatch: kafkajsRecordBatch } = require('kafkajs/src/protocol/recordBatch/v0') as {
  RecordBatch(batch: {
    records: KafkajsEncoder[];
    firstTimestamp: number;
    maxTimestamp: number;
    lastOffsetDelta: number;
    producerId?: string;
    producerEpoch?: number;
    firstSequence?: number;
    transactional?: boolean;
  }): Promise<KafkajsEncoder>;
};
const kafkajsProduceV3 = require('kafkajs/src/protocol/requests/produce/v3/request') as (request: {
  acks: number;
  timeout: number;
  transactionalId?: string | null;
  topicData: { topic: string; partitions: { partition: number; messages: { key: string | Buffer | null; value: string | Buffer | null; headers?: KafkajsHeaders; timestamp: string }[] }[] }[];
}) => { encode(): Promise<KafkajsEncoder> };
const decodeKafkajsRecordBatch = require('kafkajs/src/protocol/recordBatch/v0/decoder') as (decoder: unknown) => Promise<{
  firstTimestamp: string;
  maxTimestamp: string;
  inTransaction: boolean;
  records: { key: Buffer | null; value: Buffer | null; headers: Record<string, Buffer | null | Buffer[]>; timestamp: string; offset: string }[];
}>;
const KafkajsDecoder = require('kafkajs/src/protocol/decoder') as new (buffer: Buffer) => unknown;

interface TestRecord {
  readonly key: string | Buffer | null;
  readonly value: string | Buffer | null;
  readonly headers?: KafkajsHeaders;
  readonly timestamp: number;
}

const T0 = 1_700_000_000_000;
/** Keys (string, bytes, none), values (ASCII, multi-byte UTF-8 long enough to change a length's varint, bytes, tombstone), headers, timestamps. */
const RECORDS: TestRecord[] = [
  { key: 'user-1', value: '{"n":1}', timestamp: T0 },
  { key: null, value: 'x'.repeat(300), timestamp: T0 + 1 },
  { key: Buffer.from([0, 1, 2, 255]), value: Buffer.from([9, 8, 7]), timestamp: T0 + 1 },
  { key: 'ключ', value: 'é'.repeat(40), headers: { trace: 'abc', bin: Buffer.from([1, 2]) }, timestamp: T0 + 70 },
  { key: null, value: null, timestamp: T0 + 70 },
  { key: '', value: '', headers: { repeated: ['a', Buffer.from('b')], emoji: '🙂' }, timestamp: T0 + 100_000 },
  { key: 'k', value: '😀'.repeat(20) + 'a'.repeat(30), timestamp: T0 + 100_001 },
  ...Array.from({ length: 200 }, (_, i) => ({ key: i % 2 ? `k${i}` : null, value: JSON.stringify({ i, pad: 'p'.repeat(i) }), timestamp: T0 + 100_001 + i * 3 })),
];

function ours(records: readonly TestRecord[], producer = NO_PRODUCER): Buffer {
  const builder = new RecordBatchBuilder(64);
  for (const r of records) {
    const key = typeof r.key === 'string' ? Buffer.from(r.key) : r.key;
    builder.append(key, key?.length ?? 0, r.value, r.headers as RecordHeaders | undefined, r.timestamp);
  }
  return builder.build(producer);
}

async function kafkajs(records: readonly TestRecord[], producer: { producerId?: string; producerEpoch?: number; firstSequence?: number; transactional?: boolean } = {}): Promise<Buffer> {
  const first = records[0]!.timestamp;
  const batch = await kafkajsRecordBatch({
    records: records.map((r, i) => kafkajsRecord({ offsetDelta: i, timestampDelta: r.timestamp - first, key: r.key, value: r.value, headers: r.headers })),
    firstTimestamp: first,
    maxTimestamp: Math.max(...records.map((r) => r.timestamp)),
    lastOffsetDelta: records.length - 1,
    ...producer,
  });
  return batch.buffer;
}

describe('RecordBatchBuilder', () => {
  it("encodes a RecordBatch byte for byte as kafkajs does: keys, nulls, headers, timestamps, many records", async () => {
    expect(ours(RECORDS).equals(await kafkajs(RECORDS))).toBe(true);
    expect(ours(RECORDS.slice(0, 1)).equals(await kafkajs(RECORDS.slice(0, 1)))).toBe(true);
  });

  it('encodes the producer id, epoch, base sequence and transactional flag of a transactional batch as kafkajs does', async () => {
    const producer = { producerId: 123_456_789_012n, producerEpoch: 7, baseSequence: 42, transactional: true };
    const theirs = await kafkajs(RECORDS, { producerId: '123456789012', producerEpoch: 7, firstSequence: 42, transactional: true });
    expect(ours(RECORDS, producer).equals(theirs)).toBe(true);
  });

  it('grows its buffer as records come, whatever the first capacity', () => {
    const builder = new RecordBatchBuilder(1);
    for (const r of RECORDS) builder.append(null, 0, r.value, undefined, r.timestamp);
    expect(builder.count).toBe(RECORDS.length);
    expect(builder.build().length).toBe(builder.sizeInBytes);
  });

  it("makes the same Produce request as kafkajs's producer (v3) for one partition's records", async () => {
    const topic = 'orders-é';
    const request = kafkajsProduceV3({
      acks: -1,
      timeout: 30_000,
      topicData: [{ topic, partitions: [{ partition: 3, messages: RECORDS.map((r) => ({ key: r.key, value: r.value, headers: r.headers, timestamp: String(r.timestamp) })) }] }],
    });
    const theirs = (await request.encode()).buffer;
    const mine = encodeProduceRequest({ transactionalId: null, acks: -1, timeoutMs: 30_000, topics: [{ topic, partitions: [{ partition: 3, records: ours(RECORDS) }] }] });
    expect(mine.equals(theirs)).toBe(true);
  });

  it("reads back with kafkajs's decoder when timestamps go backwards and a header value is null, which kafkajs cannot encode", async () => {
    const records: TestRecord[] = [
      { key: 'a', value: 'first', timestamp: T0 + 500 },
      { key: null, value: 'earlier', headers: { gone: null as unknown as string }, timestamp: T0 },
      { key: 'c', value: 'latest', timestamp: T0 + 2 ** 40 },
    ];
    const decoded = await decodeKafkajsRecordBatch(new KafkajsDecoder(ours(records)));
    expect(decoded.firstTimestamp).toBe(String(T0 + 500));
    expect(decoded.maxTimestamp).toBe(String(T0 + 2 ** 40));
    expect(decoded.records.map((r) => [r.key?.toString() ?? null, r.value?.toString(), r.timestamp, r.offset])).toEqual([
      ['a', 'first', String(T0 + 500), '0'],
      [null, 'earlier', String(T0), '1'],
      ['c', 'latest', String(T0 + 2 ** 40), '2'],
    ]);
    expect(decoded.records[1]!.headers).toEqual({ gone: null });
  });

  it('rejects a timestamp that is not a whole number of milliseconds', () => {
    const builder = new RecordBatchBuilder();
    expect(() => builder.append(null, 0, 'v', undefined, 1.5)).toThrow(/whole number of epoch milliseconds/);
    expect(() => builder.append(null, 0, 'v', undefined, Number.NaN)).toThrow(/whole number of epoch milliseconds/);
  });
});
