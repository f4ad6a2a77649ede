import { gunzipSync, gzipSync } from 'node:zlib';
import { CompressionCodecs, CompressionTypes } from 'kafkajs';
import { afterEach, describe, expect, it } from 'vitest';
import { readInt64, writeInt64, writeVarint, writeVarlong } from '../../common/wire.js';
import { decodeFetchResponse, encodeFetchRequest } from './fetch-request.js';
import { FetchedRecords } from './fetched-records.js';
import { appendRecordBatches, countRecords, decompressAsync, UnreadableRecordBatch } from './record-batches.js';

interface TestRecord {
  readonly offsetDelta?: number;
  readonly timestampDelta?: number;
  readonly key?: string | null;
  readonly value?: string | Buffer | null;
  readonly headers?: readonly [string, string | null][];
}

interface TestBatch {
  readonly baseOffset: number;
  readonly records: readonly TestRecord[];
  readonly lastOffsetDelta?: number;
  readonly firstTimestamp?: number;
  readonly maxTimestamp?: number;
  readonly producerId?: number;
  readonly transactional?: boolean;
  readonly control?: boolean;
  readonly gzip?: boolean;
  /** Another compression codec in the attributes; the records are gzipped (see the fake codec below). */
  readonly codec?: number;
  readonly logAppendTime?: boolean;
  readonly magic?: number;
}

function bytesOf(value: string | Buffer | null | undefined): Buffer | null {
  return value === null || value === undefined ? null : typeof value === 'string' ? Buffer.from(value) : value;
}

function encodeRecord(r: TestRecord, index: number): Buffer {
  const body = Buffer.alloc(4096);
  let pos = 0;
  body[pos++] = 0;
  pos = writeVarlong(body, pos, r.timestampDelta ?? 0);
  pos = writeVarint(body, pos, r.offsetDelta ?? index);
  for (const part of [bytesOf(r.key), bytesOf(r.value)]) {
    if (part === null) pos = writeVarint(body, pos, -1);
    else {
      pos = writeVarint(body, pos, part.length);
      pos += part.copy(body, pos);
    }
  }
  const headers = r.headers ?? [];
  pos = writeVarint(body, pos, headers.length);
  for (const [name, value] of headers) {
    const n = Buffer.from(name);
    pos = writeVarint(body, pos, n.length);
    pos += n.copy(body, pos);
    const v = bytesOf(value);
    if (v === null) pos = writeVarint(body, pos, -1);
    else {
      pos = writeVarint(body, pos, v.length);
      pos += v.copy(body, pos);
    }
  }
  const length = Buffer.alloc(5);
  const lengthEnd = writeVarint(length, 0, pos);
  return Buffer.concat([length.subarray(0, lengthEnd), body.subarray(0, pos)]);
}

function encodeBatch(b: TestBatch): Buffer {
  let records = Buffer.concat(b.records.map(encodeRecord));
  if (b.gzip === true || b.codec !== undefined) records = gzipSync(records);
  const header = Buffer.alloc(61);
  writeInt64(header, 0, b.baseOffset);
  header.writeInt32BE(61 - 12 + records.length, 8);
  header.writeInt32BE(0, 12);
  header[16] = b.magic ?? 2;
  header.writeUInt32BE(0, 17);
  const attributes = (b.codec ?? (b.gzip === true ? 1 : 0)) | (b.logAppendTime === true ? 0x08 : 0) | (b.transactional === true ? 0x10 : 0) | (b.control === true ? 0x20 : 0);
  header.writeInt16BE(attributes, 21);
  header.writeInt32BE(b.lastOffsetDelta ?? Math.max(0, b.records.length - 1), 23);
  writeInt64(header, 27, b.firstTimestamp ?? 1_700_000_000_000);
  writeInt64(header, 35, b.maxTimestamp ?? b.firstTimestamp ?? 1_700_000_000_000);
  writeInt64(header, 43, b.producerId ?? -1);
  header.writeInt16BE(0, 51);
  header.writeInt32BE(0, 53);
  header.writeInt32BE(b.records.length, 57);
  return Buffer.concat([header, records]);
}

/** A control batch holding one marker: ABORT (type 0) or COMMIT (type 1). */
function marker(offset: number, producerId: number, type: 'abort' | 'commit'): TestBatch {
  const key = Buffer.alloc(4);
  key.writeInt16BE(0, 0);
  key.writeInt16BE(type === 'abort' ? 0 : 1, 2);
  const value = Buffer.alloc(6);
  return { baseOffset: offset, producerId, transactional: true, control: true, records: [{ key: key.toString('latin1'), value }] };
}

function txn(offset: number, producerId: number, values: string[]): TestBatch {
  return { baseOffset: offset, producerId, transactional: true, records: values.map((value) => ({ value })) };
}

function decode(batches: readonly TestBatch[], fetchOffset = 0, aborted: { producerId: number; firstOffset: number }[] = []): { records: FetchedRecords; next: number } {
  const bytes = Buffer.concat(batches.map(encodeBatch));
  const records = new FetchedRecords(countRecords(bytes));
  const next = appendRecordBatches(bytes, fetchOffset, aborted, records);
  return { records, next };
}

function values(records: FetchedRecords): (string | null)[] {
  return Array.from({ length: records.count }, (_, i) => records.value(i)?.toString('utf8') ?? null);
}

function offsets(records: FetchedRecords): number[] {
  return Array.from(records.offsets.subarray(0, records.count));
}

describe('RecordBatch v2 walker', () => {
  it('reads offsets, timestamps, keys, values and null keys and values of plain batches', () => {
    const { records, next } = decode([
      { baseOffset: 10, firstTimestamp: 1000, records: [{ key: 'k1', value: 'v1' }, { key: null, value: 'v2', timestampDelta: 5 }] },
      { baseOffset: 12, firstTimestamp: 2000, records: [{ key: 'k3', value: null }] },
    ]);
    expect(offsets(records)).toEqual([10, 11, 12]);
    expect(Array.from(records.timestamps.subarray(0, 3))).toEqual([1000, 1005, 2000]);
    expect(values(records)).toEqual(['v1', 'v2', null]);
    expect([records.keyString(0), records.key(1), records.keyString(2)]).toEqual(['k1', null, 'k3']);
    expect(next).toBe(13);
  });

  it('reads gzip-compressed batches', () => {
    const many = Array.from({ length: 100 }, (_, i) => ({ value: `value-${i}`, key: `key-${i % 7}` }));
    const { records, next } = decode([{ baseOffset: 0, gzip: true, records: many }, { baseOffset: 100, records: [{ value: 'plain' }] }]);
    expect(values(records)).toEqual([...many.map((r) => r.value), 'plain']);
    expect(records.keyString(8)).toBe('key-1');
    expect(next).toBe(101);
  });

  it('reads headers, repeated names as arrays and null values as empty', () => {
    const { records } = decode([
      { baseOffset: 0, records: [{ value: 'a', headers: [['trace', 't1'], ['tag', 'x'], ['tag', 'y'], ['empty', null]] }, { value: 'b' }] },
    ]);
    expect(records.stringHeaders(0)).toEqual({ trace: 't1', tag: ['x', 'y'], empty: '' });
    expect(records.rawHeaders(0)).toEqual({ trace: Buffer.from('t1'), tag: [Buffer.from('x'), Buffer.from('y')], empty: Buffer.alloc(0) });
    expect(records.stringHeaders(1)).toEqual({});
  });

  it('stamps every record with the batch max timestamp under LogAppendTime', () => {
    const { records } = decode([{ baseOffset: 0, logAppendTime: true, firstTimestamp: 5, maxTimestamp: 9_000, records: [{ value: 'a', timestampDelta: 1 }, { value: 'b', timestampDelta: 2 }] }]);
    expect(Array.from(records.timestamps.subarray(0, 2))).toEqual([9_000, 9_000]);
  });

  it('ignores a last batch the broker cut at its size limit', () => {
    const whole = encodeBatch({ baseOffset: 0, records: [{ value: 'a' }, { value: 'b' }] });
    const cut = encodeBatch({ baseOffset: 2, records: [{ value: 'c' }, { value: 'd' }] });
    for (const keep of [5, 30, 61, cut.length - 1]) {
      const bytes = Buffer.concat([whole, cut.subarray(0, keep)]);
      const records = new FetchedRecords(countRecords(bytes));
      expect(appendRecordBatches(bytes, 0, [], records)).toBe(2);
      expect(values(records)).toEqual(['a', 'b']);
    }
  });

  it('skips the records of a batch before the fetch offset', () => {
    const { records, next } = decode([{ baseOffset: 0, gzip: true, records: [{ value: 'a' }, { value: 'b' }, { value: 'c' }] }, { baseOffset: 3, records: [{ value: 'd' }] }], 2);
    expect(offsets(records)).toEqual([2, 3]);
    expect(values(records)).toEqual(['c', 'd']);
    expect(next).toBe(4);
  });

  it('leaves control batches out and moves past a fetch of nothing but markers', () => {
    const { records, next } = decode([txn(0, 7, ['t1', 't2']), marker(2, 7, 'commit'), { baseOffset: 3, records: [{ value: 'plain' }] }]);
    expect(values(records)).toEqual(['t1', 't2', 'plain']);
    expect(next).toBe(4);
    const onlyMarker = decode([marker(5, 7, 'commit')], 5);
    expect(onlyMarker.records.count).toBe(0);
    expect(onlyMarker.next).toBe(6);
  });

  it('drops aborted transactions that end in another order than they began', () => {
    // Producer 1 begins at 0, producer 2 at 1; producer 2 commits first (marker at 4), then producer 1 aborts (marker at 5).
    // The broker lists aborted transactions in the order they ended, not by first offset.
    const batches = [txn(0, 1, ['p1-a']), txn(1, 2, ['p2-a']), txn(2, 1, ['p1-b']), txn(3, 2, ['p2-b']), marker(4, 2, 'commit'), marker(5, 1, 'abort'), txn(6, 1, ['p1-next']), marker(7, 1, 'commit')];
    const { records, next } = decode(batches, 0, [{ producerId: 1, firstOffset: 0 }]);
    expect(values(records)).toEqual(['p2-a', 'p2-b', 'p1-next']);
    expect(next).toBe(8);
  });

  it('keeps each aborted transaction apart even when the broker lists them out of first-offset order', () => {
    // Producer 3's transaction (from 0) aborts after producer 4's (from 1): listed 4 then 3.
    const batches = [txn(0, 3, ['p3-a']), txn(1, 4, ['p4-a']), marker(2, 4, 'abort'), txn(3, 4, ['p4-next']), txn(4, 3, ['p3-b']), marker(5, 3, 'abort'), marker(6, 4, 'commit')];
    const { records } = decode(batches, 0, [
      { producerId: 4, firstOffset: 1 },
      { producerId: 3, firstOffset: 0 },
    ]);
    expect(values(records)).toEqual(['p4-next']);
  });

  describe('with a codec from kafkajs CompressionCodecs', () => {
    const registry = CompressionCodecs as unknown as Record<number, unknown>;
    const placeholder = registry[CompressionTypes.ZSTD];
    afterEach(() => {
      registry[CompressionTypes.ZSTD] = placeholder;
    });

    it('decompresses batches of a codec the job registered', async () => {
      registry[CompressionTypes.ZSTD] = () => ({ compress: async () => Buffer.alloc(0), decompress: async (buf: Buffer) => gunzipSync(buf) });
      const bytes = Buffer.concat([encodeBatch({ baseOffset: 0, codec: CompressionTypes.ZSTD, records: [{ value: 'a' }, { value: 'b' }] }), encodeBatch({ baseOffset: 2, records: [{ value: 'c' }] })]);
      const decompressed = await decompressAsync(bytes, 0);
      const records = new FetchedRecords(countRecords(bytes));
      expect(appendRecordBatches(bytes, 0, [], records, decompressed)).toBe(3);
      expect(values(records)).toEqual(['a', 'b', 'c']);
    });

    it('names the codec when none is registered', async () => {
      const bytes = encodeBatch({ baseOffset: 0, codec: CompressionTypes.LZ4, records: [{ value: 'a' }] });
      await expect(decompressAsync(bytes, 0)).rejects.toThrow(/lz4-compressed and no lz4 codec is registered/);
      expect(() => appendRecordBatches(bytes, 0, [], new FetchedRecords(1))).toThrow(UnreadableRecordBatch);
    });
  });

  it('names the message format of a batch older than v2', () => {
    expect(() => decode([{ baseOffset: 0, magic: 1, records: [{ value: 'a' }] }])).toThrow(UnreadableRecordBatch);
    expect(() => decode([{ baseOffset: 0, magic: 1, records: [{ value: 'a' }] }])).toThrow(/message format v1/);
  });
});

describe('Fetch v4 codec', () => {
  it('encodes a read_committed request with int64 fetch offsets', () => {
    const body = encodeFetchRequest({ maxWaitMs: 250, minBytes: 1, maxBytes: 1024, topics: [{ topic: 't', partitions: [{ partition: 3, fetchOffset: 2 ** 40 + 5, maxBytes: 512 }] }] });
    expect(body.readInt32BE(0)).toBe(-1);
    expect(body.readInt32BE(4)).toBe(250);
    expect(body[16]).toBe(1);
    expect(body.readInt32BE(17)).toBe(1);
    expect(body.toString('utf8', 23, 24)).toBe('t');
    expect(body.readInt32BE(28)).toBe(3);
    expect(readInt64(body, 32)).toBe(2 ** 40 + 5);
    expect(body.readInt32BE(40)).toBe(512);
    expect(body.length).toBe(44);
  });

  it('decodes a response with aborted transactions, null records and a view of the record bytes', () => {
    const records = Buffer.from([1, 2, 3, 4]);
    const parts: Buffer[] = [];
    const i32 = (v: number) => {
      const b = Buffer.alloc(4);
      b.writeInt32BE(v);
      return b;
    };
    const i64 = (v: number) => {
      const b = Buffer.alloc(8);
      b.writeBigInt64BE(BigInt(v));
      return b;
    };
    const i16 = (v: number) => {
      const b = Buffer.alloc(2);
      b.writeInt16BE(v);
      return b;
    };
    parts.push(i32(7), i32(1), i16(5), Buffer.from('topic'), i32(2));
    parts.push(i32(0), i16(0), i64(100), i64(90), i32(2), i64(11), i64(50), i64(12), i64(40), i32(records.length), records);
    parts.push(i32(1), i16(6), i64(-1), i64(-1), i32(-1), i32(-1));
    const payload = Buffer.concat(parts);
    const response = decodeFetchResponse(payload);
    expect(response.throttleTimeMs).toBe(7);
    const [first, second] = response.partitions;
    expect(first).toMatchObject({ topic: 'topic', partition: 0, errorCode: 0, highWatermark: 100, lastStableOffset: 90 });
    expect(first!.abortedTransactions).toEqual([
      { producerId: 11, firstOffset: 50 },
      { producerId: 12, firstOffset: 40 },
    ]);
    expect(first!.records.equals(records)).toBe(true);
    expect(first!.records.buffer).toBe(payload.buffer);
    expect(second).toMatchObject({ partition: 1, errorCode: 6, abortedTransactions: [] });
    expect(second!.records.length).toBe(0);
  });
});
