/**
 * One partition's RecordBatch (magic 2, uncompressed; Kafka's DefaultRecordBatch), encoded record by
 * record straight into one growing Buffer: no object per record, no Long, no intermediate encoders.
 * The 61-byte batch header is left blank until build(), when the batch's producer fields, counts and
 * CRC-32C are known.
 *
 * Timestamps follow Kafka's Java producer: the batch's base timestamp is its first record's and
 * deltas may be negative, so a record can be encoded the moment it is appended. (kafkajs takes the
 * smallest timestamp as the base, which needs every record first; the two agree whenever timestamps
 * do not go backwards within a batch.) The partition leader epoch is 0, as kafkajs writes it; brokers
 * overwrite it.
 */
import { KafkaSinkError } from '../errors.js';
import { crc32c } from './crc32c.js';
import { sizeOfVarint, sizeOfVarlong, writeInt64, writeVarint, writeVarlong } from '../../common/wire.js';

/** A record's headers, as kafkajs takes them: a value may be a list (the key repeats), null or undefined (a null value). */
export type RecordHeaders = Readonly<Record<string, string | Buffer | null | undefined | readonly (string | Buffer)[]>>;

const MAGIC = 2;
const TRANSACTIONAL = 0x10;
/** baseOffset, batchLength, partitionLeaderEpoch, magic, crc, attributes, lastOffsetDelta, baseTimestamp, maxTimestamp, producerId, producerEpoch, baseSequence, records count. */
export const RECORD_BATCH_HEADER_BYTES = 8 + 4 + 4 + 1 + 4 + 2 + 4 + 8 + 8 + 8 + 2 + 4 + 4;
const CRC_AT = 17;
const ATTRIBUTES_AT = 21;
/** A varlong delta is exact below 2^52 in magnitude (zig-zag doubles it). */
const MAX_TIMESTAMP_DELTA = 2 ** 52;
const INITIAL_CAPACITY = 16 * 1024;

/** The producer fields of a batch: no producer id (-1) for a plain producer, as kafkajs sends them. */
export interface BatchProducer {
  readonly producerId: bigint;
  readonly producerEpoch: number;
  readonly baseSequence: number;
  readonly transactional: boolean;
}

export const NO_PRODUCER: BatchProducer = { producerId: -1n, producerEpoch: 0, baseSequence: 0, transactional: false };

export class RecordBatchBuilder {
  private buffer: Buffer;
  private end = RECORD_BATCH_HEADER_BYTES;
  private baseTimestamp = 0;
  private maxTimestamp = 0;
  /** Records appended so far. */
  count = 0;

  constructor(capacity = INITIAL_CAPACITY) {
    this.buffer = Buffer.allocUnsafe(Math.max(capacity, RECORD_BATCH_HEADER_BYTES));
  }

  /** Bytes of the batch as build() would return it. */
  get sizeInBytes(): number {
    return this.end;
  }

  /**
   * Appends a record: `key[0, keyLength)` (null: no key), the value (a string is written as UTF-8;
   * null is a tombstone), headers, and a timestamp in epoch milliseconds. Returns the record's bytes.
   */
  append(key: Buffer | null, keyLength: number, value: string | Uint8Array | null, headers: RecordHeaders | undefined, timestamp: number): number {
    const offsetDelta = this.count;
    if (!Number.isSafeInteger(timestamp)) throw invalidTimestamp(timestamp);
    if (offsetDelta === 0) {
      this.baseTimestamp = timestamp;
      this.maxTimestamp = timestamp;
    } else if (timestamp > this.maxTimestamp) this.maxTimestamp = timestamp;
    const timestampDelta = timestamp - this.baseTimestamp;
    if (timestampDelta >= MAX_TIMESTAMP_DELTA || timestampDelta <= -MAX_TIMESTAMP_DELTA) throw invalidTimestamp(timestamp);

    // Everything between the record's length and its value's length.
    const prefix = 1 + sizeOfVarlong(timestampDelta) + sizeOfVarint(offsetDelta) + (key === null ? 1 : sizeOfVarint(keyLength) + keyLength);
    const headerBytes = headers === undefined ? 1 : sizeOfHeaders(headers);
    const start = this.end;
    let valueLength: number;
    let valueAt: number;
    if (typeof value === 'string') {
      // A string's UTF-8 length is unknown until it is written: write it where it goes if it is all
      // ASCII (its UTF-16 length), and move it in the rare case that guess changed a length's varint.
      const guess = value.length;
      this.ensure(5 + prefix + 5 + 3 * guess + headerBytes);
      valueAt = start + sizeOfVarint(prefix + sizeOfVarint(guess) + guess + headerBytes) + prefix + sizeOfVarint(guess);
      valueLength = this.buffer.write(value, valueAt);
      if (valueLength !== guess) {
        const at = start + sizeOfVarint(prefix + sizeOfVarint(valueLength) + valueLength + headerBytes) + prefix + sizeOfVarint(valueLength);
        if (at !== valueAt) this.buffer.copyWithin(at, valueAt, valueAt + valueLength);
        valueAt = at;
      }
    } else {
      valueLength = value === null ? -1 : value.length;
      const valueBytes = value === null ? 0 : valueLength;
      this.ensure(5 + prefix + 5 + valueBytes + headerBytes);
      valueAt = start + sizeOfVarint(prefix + sizeOfVarint(valueLength) + valueBytes + headerBytes) + prefix + sizeOfVarint(valueLength);
      if (value !== null) this.buffer.set(value, valueAt);
    }
    const buf = this.buffer;
    let pos = writeVarint(buf, start, prefix + sizeOfVarint(valueLength) + (valueLength < 0 ? 0 : valueLength) + headerBytes);
    buf[pos++] = 0; // record attributes: none are defined
    pos = writeVarlong(buf, pos, timestampDelta);
    pos = writeVarint(buf, pos, offsetDelta);
    if (key === null) pos = writeVarint(buf, pos, -1);
    else {
      pos = writeVarint(buf, pos, keyLength);
      key.copy(buf, pos, 0, keyLength);
      pos += keyLength;
    }
    pos = writeVarint(buf, pos, valueLength) + (valueLength < 0 ? 0 : valueLength);
    pos = headers === undefined ? writeVarint(buf, pos, 0) : writeHeaders(buf, pos, headers);
    this.end = pos;
    this.count++;
    return pos - start;
  }

  /** The finished batch (a view of the builder's memory: append nothing after this). */
  build(producer: BatchProducer = NO_PRODUCER): Buffer {
    const buf = this.buffer;
    const end = this.end;
    writeInt64(buf, 0, 0); // base offset: the broker assigns offsets
    buf.writeInt32BE(end - 12, 8);
    buf.writeInt32BE(0, 12);
    buf[16] = MAGIC;
    buf.writeInt16BE(producer.transactional ? TRANSACTIONAL : 0, ATTRIBUTES_AT);
    buf.writeInt32BE(this.count - 1, 23);
    writeInt64(buf, 27, this.baseTimestamp);
    writeInt64(buf, 35, this.maxTimestamp);
    buf.writeBigInt64BE(producer.producerId, 43);
    buf.writeInt16BE(producer.producerEpoch, 51);
    buf.writeInt32BE(producer.baseSequence, 53);
    buf.writeInt32BE(this.count, 57);
    buf.writeUInt32BE(crc32c(buf, ATTRIBUTES_AT, end), CRC_AT);
    return buf.subarray(0, end);
  }

  private ensure(bytes: number): void {
    if (this.end + bytes <= this.buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.end + bytes));
    this.buffer.copy(grown, 0, 0, this.end);
    this.buffer = grown;
  }
}

function invalidTimestamp(timestamp: number): KafkaSinkError {
  return new KafkaSinkError('UnserializableRecord', `KafkaSink: a record has the timestamp ${timestamp}; a Kafka timestamp is a whole number of epoch milliseconds`);
}

function headerValueBytes(value: string | Buffer | null | undefined): number {
  if (value === null || value === undefined) return 1;
  const length = typeof value === 'string' ? Buffer.byteLength(value) : value.length;
  return sizeOfVarint(length) + length;
}

function headerCount(headers: RecordHeaders): number {
  let count = 0;
  for (const name in headers) {
    const value = headers[name];
    count += Array.isArray(value) ? value.length : 1;
  }
  return count;
}

function sizeOfHeaders(headers: RecordHeaders): number {
  let bytes = sizeOfVarint(headerCount(headers));
  for (const name in headers) {
    const nameLength = Buffer.byteLength(name);
    const value = headers[name] as string | Buffer | null | undefined | readonly (string | Buffer)[];
    if (Array.isArray(value)) for (const v of value as readonly (string | Buffer)[]) bytes += sizeOfVarint(nameLength) + nameLength + headerValueBytes(v);
    else bytes += sizeOfVarint(nameLength) + nameLength + headerValueBytes(value as string | Buffer | null | undefined);
  }
  return bytes;
}

function writeHeaderValue(buf: Buffer, pos: number, value: string | Buffer | null | undefined): number {
  if (value === null || value === undefined) return writeVarint(buf, pos, -1);
  if (typeof value === 'string') {
    const length = Buffer.byteLength(value);
    pos = writeVarint(buf, pos, length);
    return pos + buf.write(value, pos);
  }
  pos = writeVarint(buf, pos, value.length);
  buf.set(value, pos);
  return pos + value.length;
}

function writeHeaders(buf: Buffer, pos: number, headers: RecordHeaders): number {
  pos = writeVarint(buf, pos, headerCount(headers));
  for (const name in headers) {
    const value = headers[name] as string | Buffer | null | undefined | readonly (string | Buffer)[];
    for (const v of Array.isArray(value) ? (value as readonly (string | Buffer)[]) : [value as string | Buffer | null | undefined]) {
      pos = writeVarint(buf, pos, Buffer.byteLength(name));
      pos += buf.write(name, pos);
      pos = writeHeaderValue(buf, pos, v);
    }
  }
  return pos;
}
