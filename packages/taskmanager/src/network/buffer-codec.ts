/**
 * Turns stream elements into exchange messages and back. Records travel in network buffers: a
 * RecordBufferBuilder appends record batches (several per buffer) and finishes a buffer when it is
 * large enough or flushed; the consumer reads it back batch by batch (RecordBufferReader).
 *
 * A buffer is a sequence of segments, one per appended batch, after an 8-byte header (the record
 * count). A segment holds its batch as little-endian int32s when every value is a 32-bit integer
 * (decoded, they are small integers again, as the producer had them, so the consumer's code stays
 * specialised for them), as float64s when every value is some other number (no per-record type
 * tags, no allocation), or else as msgpack (msgpackr: it keeps Dates, Maps, Sets, bigints and
 * undefined that JSON would lose). Timestamps follow a segment's values only when some record of
 * the batch has one. Every part is padded to 8 bytes.
 */
import { Packr, Unpackr } from 'msgpackr';
import {
  CheckpointBarrier,
  EndOfPartition,
  NO_TIMESTAMP,
  RecordBatch,
  Watermark,
  WatermarkStatus,
  type StreamEvent,
} from '@sage/runtime';
import type { ExchangeBuffer, ExchangeBuffer__Output } from '@sage/rpc';

const options = { useBigIntExtension: true, moreTypes: true } as const;
const packr = new Packr(options);
const unpackr = new Unpackr(options);

/** Segment kinds; TIMED is or-ed in when the segment carries timestamps. */
const FLOAT64 = 1;
const MSGPACK = 2;
const INT32 = 3;
const TIMED = 0x80;

const HEADER_BYTES = 8;
const SEGMENT_HEADER_BYTES = 8;

const padded = (bytes: number) => (bytes + 7) & ~7;


/**
 * Room kept in front of a buffer for the protobuf field header (tag and length) that makes it an
 * ExchangeBuffer on the wire, so that finishMessage() frames it without copying.
 */
const MESSAGE_PREFIX_BYTES = 8;
/** ExchangeBuffer.records is field 1, length-delimited (wire type 2): see exchange.proto. */
const RECORDS_FIELD_TAG = (1 << 3) | 2;
/** Finished buffers kept for reuse, per builder. */
const POOLED_BUFFERS = 4;

export class RecordBufferBuilder {
  private buffer: Buffer;
  private view: DataView;
  private position = MESSAGE_PREFIX_BYTES + HEADER_BYTES;
  private records = 0;
  /** Staging buffers of the expected size, given back once sent (see release()). */
  private readonly pool: Buffer[] = [];
  private readonly owned = new WeakSet<ArrayBufferLike>();

  /** `expectedBytes`: the size buffers are usually finished at, allocated up front. */
  constructor(private readonly expectedBytes: number) {
    this.buffer = Buffer.allocUnsafeSlow(0);
    this.view = new DataView(this.buffer.buffer);
  }

  /** Bytes appended so far, header included; 0 when empty. */
  get byteLength(): number {
    return this.records === 0 ? 0 : this.position - MESSAGE_PREFIX_BYTES;
  }

  get isEmpty(): boolean {
    return this.records === 0;
  }

  append(batch: RecordBatch): void {
    const values = batch.values;
    const n = values.length;
    if (n === 0) return;
    const timestamps = batch.timestamps;
    const timed = hasTimestamps(timestamps, n);
    const timestampBytes = timed ? 8 * n : 0;
    // Room for the widest numeric form; the values are written as int32s while they all are, which
    // spares a separate pass to find the kind first.
    this.reserve(SEGMENT_HEADER_BYTES + 8 * n + timestampBytes);
    const start = this.position + SEGMENT_HEADER_BYTES;
    const written = writeInt32s(this.buffer, start, values, n);
    let kind: number;
    if (written === n) {
      kind = INT32;
      this.position = padded(start + 4 * n);
    } else if (allNumbers(values, written, n)) {
      kind = FLOAT64;
      writeFloat64s(this.buffer, start, values, n);
      this.position = start + 8 * n;
    } else {
      kind = MSGPACK;
      const packed = packr.pack(values);
      this.reserve(SEGMENT_HEADER_BYTES + 8 + padded(packed.length) + timestampBytes);
      this.view.setUint32(start, packed.length, true);
      packed.copy(this.buffer, start + 8);
      this.position = start + 8 + padded(packed.length);
    }
    this.segmentHeader(start - SEGMENT_HEADER_BYTES, timed ? kind | TIMED : kind, n);
    if (timed) {
      writeFloat64s(this.buffer, this.position, timestamps, n);
      this.position += 8 * n;
    }
    this.records += n;
  }

  /** The buffer of everything appended since the last finish; the builder starts a new one. */
  finish(): Buffer {
    return this.take(MESSAGE_PREFIX_BYTES);
  }

  /**
   * Like finish(), but framed as an ExchangeBuffer whose `records` is the buffer: the bytes
   * protobuf would write for it, for exchangeService() to send as they are.
   */
  finishMessage(): Buffer {
    this.reserve(0);
    let length = this.position - MESSAGE_PREFIX_BYTES;
    const varintBytes = length < 1 << 7 ? 1 : length < 1 << 14 ? 2 : length < 1 << 21 ? 3 : 4;
    if (length >= 1 << 28) throw new RangeError(`A network buffer of ${length} bytes is larger than a message may be`);
    const start = MESSAGE_PREFIX_BYTES - 1 - varintBytes;
    const buffer = this.buffer;
    buffer[start] = RECORDS_FIELD_TAG;
    for (let at = start + 1; at < MESSAGE_PREFIX_BYTES; at++, length >>>= 7) buffer[at] = at === MESSAGE_PREFIX_BYTES - 1 ? length : (length & 0x7f) | 0x80;
    return this.take(start);
  }

  /** The size of the records buffer a message from finishMessage() carries (what credit counts). */
  static payloadBytes(message: Uint8Array): number {
    let at = 1;
    while ((message[at]! & 0x80) !== 0) at++;
    return message.length - at - 1;
  }

  /** A message from finishMessage() has been sent: its memory may take the next records. */
  release(message: Buffer): void {
    const buffer = message.buffer;
    if (this.owned.has(buffer) && buffer.byteLength === this.expectedBytes && this.pool.length < POOLED_BUFFERS) {
      this.pool.push(Buffer.from(buffer));
    }
  }

  private take(start: number): Buffer {
    this.reserve(0);
    this.view.setUint32(MESSAGE_PREFIX_BYTES, this.records, true);
    let out: Buffer;
    if (this.position < this.buffer.length >> 1) {
      // A buffer finished early (flushed) would pin memory it does not use while it waits for
      // credit: it goes out as a copy, and the builder keeps its memory.
      out = Buffer.allocUnsafe(this.position - start);
      this.buffer.copy(out, 0, start, this.position);
    } else {
      out = this.buffer.subarray(start, this.position);
      this.buffer = this.pool.pop() ?? Buffer.allocUnsafeSlow(0);
      this.view = new DataView(this.buffer.buffer, this.buffer.byteOffset, this.buffer.length);
    }
    this.position = MESSAGE_PREFIX_BYTES + HEADER_BYTES;
    this.records = 0;
    return out;
  }

  private segmentHeader(at: number, kind: number, records: number): void {
    this.view.setUint32(at, kind, true);
    this.view.setUint32(at + 4, records, true);
  }

  /** Makes room for `bytes` more. A finished buffer is handed over whole, so each gets its own memory. */
  private reserve(bytes: number): void {
    const needed = this.position + bytes;
    if (needed <= this.buffer.length) return;
    const grown = Buffer.allocUnsafeSlow(Math.max(needed, this.records === 0 ? this.expectedBytes : 2 * this.buffer.length));
    this.owned.add(grown.buffer);
    this.buffer.copy(grown, 0, 0, this.position);
    this.buffer = grown;
    this.view = new DataView(grown.buffer, grown.byteOffset, grown.length);
  }
}

/**
 * Reads a network buffer back as the batches it was built from, one at a time. Arrays the size of a
 * producer's batch are cheap for V8 to allocate and die young; one array for a whole buffer (16k
 * int32s in 64 KiB) would cost several times more per element.
 */
export class RecordBufferReader {
  private readonly view: DataView;
  private at = HEADER_BYTES;
  private remaining: number;

  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.remaining = this.view.getUint32(0, true);
  }

  get done(): boolean {
    return this.remaining === 0;
  }

  /** The next batch, or undefined once every record has been read. */
  next(): RecordBatch | undefined {
    if (this.remaining === 0) return undefined;
    const view = this.view;
    let at = this.at;
    const kind = view.getUint32(at, true);
    const n = view.getUint32(at + 4, true);
    at += SEGMENT_HEADER_BYTES;
    let values: unknown[];
    if ((kind & ~TIMED) === INT32) {
      values = readInt32s(this.bytes, at, n);
      at = padded(at + 4 * n);
    } else if ((kind & ~TIMED) === FLOAT64) {
      values = readFloat64s(this.bytes, at, n);
      at += 8 * n;
    } else if ((kind & ~TIMED) === MSGPACK) {
      const length = view.getUint32(at, true);
      values = unpackr.unpack(this.bytes.subarray(at + 8, at + 8 + length)) as unknown[];
      at += 8 + padded(length);
    } else {
      throw new TypeError(`Network buffer with an unknown segment kind ${kind}: is the producer's TaskManager another Sage version?`);
    }
    let timestamps: number[];
    if ((kind & TIMED) !== 0) {
      timestamps = readFloat64s(this.bytes, at, n);
      at += 8 * n;
    } else {
      timestamps = untimed(n);
    }
    this.at = at;
    this.remaining -= n;
    return new RecordBatch(values, timestamps);
  }
}

/** All the records of one network buffer, in order, as one batch. */
export function decodeRecords(bytes: Uint8Array): RecordBatch {
  const reader = new RecordBufferReader(bytes);
  const values: unknown[] = [];
  const timestamps: number[] = [];
  for (let batch = reader.next(); batch !== undefined; batch = reader.next()) {
    for (let i = 0; i < batch.values.length; i++) {
      values.push(batch.values[i]);
      timestamps.push(batch.timestamps[i]!);
    }
  }
  return new RecordBatch(values, timestamps);
}

/** One batch as one buffer; the exchange appends several batches to a builder instead. */
export function encodeBatch(batch: RecordBatch): Buffer {
  const builder = new RecordBufferBuilder(0);
  builder.append(batch);
  return builder.finish();
}

export const decodeBatch = decodeRecords;

export function encodeEvent(event: StreamEvent): ExchangeBuffer {
  if (event instanceof CheckpointBarrier) return { barrier: { checkpointId: event.checkpointId, timestamp: event.timestamp } };
  if (event instanceof Watermark) return { watermark: { timestamp: event.timestamp } };
  if (event instanceof WatermarkStatus) return { watermarkStatus: { idle: event.idle } };
  if (event instanceof EndOfPartition) return { endOfPartition: {} };
  throw new TypeError(`Cannot encode stream element ${String(event)}`);
}

/** The event an exchange message carries, or its records buffer, left encoded until the task takes it. */
export function decodeMessage(buffer: ExchangeBuffer__Output): StreamEvent | Buffer {
  switch (buffer.kind) {
    case 'records':
      return buffer.records!;
    case 'barrier':
      return new CheckpointBarrier(buffer.barrier!.checkpointId, buffer.barrier!.timestamp);
    case 'watermark':
      return new Watermark(buffer.watermark!.timestamp);
    case 'watermarkStatus':
      return buffer.watermarkStatus!.idle ? WatermarkStatus.IDLE : WatermarkStatus.ACTIVE;
    case 'endOfPartition':
      return EndOfPartition.INSTANCE;
    default:
      throw new TypeError(`Exchange buffer without content (${String(buffer.kind)})`);
  }
}

function hasTimestamps(timestamps: readonly number[], n: number): boolean {
  for (let i = 0; i < n; i++) if (timestamps[i] !== NO_TIMESTAMP) return true;
  return false;
}

/**
 * Numbers go through typed arrays laid over the buffer: several times faster per element than
 * DataView calls. Typed arrays use the CPU's byte order and the wire's is little-endian, so a
 * big-endian CPU, or a region not aligned to its element size (a received buffer sits wherever
 * gRPC put it), takes the DataView path.
 */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/**
 * Writes values as int32s from `at` while each is a 32-bit integer (not -0); returns how many it
 * wrote, n when all were.
 */
function writeInt32s(buffer: Buffer, at: number, values: readonly unknown[], n: number): number {
  const offset = buffer.byteOffset + at;
  if (LITTLE_ENDIAN && (offset & 3) === 0) {
    const ints = new Int32Array(buffer.buffer, offset, n);
    for (let i = 0; i < n; i++) {
      const value = values[i];
      if (typeof value !== 'number' || (value | 0) !== value || (value === 0 && 1 / value < 0)) return i;
      ints[i] = value;
    }
    return n;
  }
  const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.length);
  for (let i = 0; i < n; i++, at += 4) {
    const value = values[i];
    if (typeof value !== 'number' || (value | 0) !== value || (value === 0 && 1 / value < 0)) return i;
    view.setInt32(at, value, true);
  }
  return n;
}

function writeFloat64s(buffer: Buffer, at: number, numbers: readonly unknown[], n: number): void {
  const offset = buffer.byteOffset + at;
  if (LITTLE_ENDIAN && (offset & 7) === 0) {
    const floats = new Float64Array(buffer.buffer, offset, n);
    for (let i = 0; i < n; i++) floats[i] = numbers[i] as number;
    return;
  }
  const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.length);
  for (let i = 0; i < n; i++, at += 8) view.setFloat64(at, numbers[i] as number, true);
}

function readInt32s(bytes: Uint8Array, at: number, n: number): unknown[] {
  const values = new Array<unknown>(n);
  const offset = bytes.byteOffset + at;
  if (LITTLE_ENDIAN && (offset & 3) === 0) {
    const ints = new Int32Array(bytes.buffer, offset, n);
    for (let i = 0; i < n; i++) values[i] = ints[i];
  } else {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0; i < n; i++, at += 4) values[i] = view.getInt32(at, true);
  }
  return values;
}

function readFloat64s(bytes: Uint8Array, at: number, n: number): number[] {
  const values = new Array<number>(n);
  const offset = bytes.byteOffset + at;
  if (LITTLE_ENDIAN && (offset & 7) === 0) {
    const floats = new Float64Array(bytes.buffer, offset, n);
    for (let i = 0; i < n; i++) values[i] = floats[i]!;
  } else {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let i = 0; i < n; i++, at += 8) values[i] = view.getFloat64(at, true);
  }
  return values;
}

function allNumbers(values: readonly unknown[], from: number, n: number): boolean {
  for (let i = from; i < n; i++) if (typeof values[i] !== 'number') return false;
  return true;
}

/**
 * Batches without timestamps share one array of NO_TIMESTAMP: consumers only read a batch's
 * timestamps by index, never write them, so the array need not be allocated per batch.
 */
let noTimestamps: number[] = [];

function untimed(length: number): number[] {
  if (noTimestamps.length < length) noTimestamps = new Array<number>(Math.max(length, 4096)).fill(NO_TIMESTAMP);
  return noTimestamps;
}
