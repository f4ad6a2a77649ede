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


export class RecordBufferBuilder {
  private buffer: Buffer;
  private view: DataView;
  private position = HEADER_BYTES;
  private records = 0;

  /** `expectedBytes`: the size buffers are usually finished at, allocated up front. */
  constructor(private readonly expectedBytes: number) {
    this.buffer = Buffer.allocUnsafeSlow(0);
    this.view = new DataView(this.buffer.buffer);
  }

  /** Bytes appended so far, header included; 0 when empty. */
  get byteLength(): number {
    return this.records === 0 ? 0 : this.position;
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
    const kind = valueKind(values, n);
    if (kind === INT32) {
      this.reserve(SEGMENT_HEADER_BYTES + padded(4 * n) + timestampBytes);
      let at = this.segmentHeader(timed ? INT32 | TIMED : INT32, n);
      const view = this.view;
      for (let i = 0; i < n; i++, at += 4) view.setInt32(at, values[i] as number, true);
      this.position = padded(at);
    } else if (kind === FLOAT64) {
      this.reserve(SEGMENT_HEADER_BYTES + 8 * n + timestampBytes);
      let at = this.segmentHeader(timed ? FLOAT64 | TIMED : FLOAT64, n);
      const view = this.view;
      for (let i = 0; i < n; i++, at += 8) view.setFloat64(at, values[i] as number, true);
      this.position = at;
    } else {
      const packed = packr.pack(values);
      this.reserve(SEGMENT_HEADER_BYTES + 8 + padded(packed.length) + timestampBytes);
      const at = this.segmentHeader(timed ? MSGPACK | TIMED : MSGPACK, n);
      this.view.setUint32(at, packed.length, true);
      packed.copy(this.buffer, at + 8);
      this.position = at + 8 + padded(packed.length);
    }
    if (timed) {
      let at = this.position;
      const view = this.view;
      for (let i = 0; i < n; i++, at += 8) view.setFloat64(at, timestamps[i]!, true);
      this.position = at;
    }
    this.records += n;
  }

  /** The buffer of everything appended since the last finish; the builder starts a new one. */
  finish(): Buffer {
    this.reserve(0);
    this.view.setUint32(0, this.records, true);
    // A buffer finished early (flushed) would pin memory it does not use while it waits for credit.
    const out = this.position < this.buffer.length >> 1 ? Buffer.from(this.buffer.subarray(0, this.position)) : this.buffer.subarray(0, this.position);
    this.buffer = Buffer.allocUnsafeSlow(0);
    this.view = new DataView(this.buffer.buffer);
    this.position = HEADER_BYTES;
    this.records = 0;
    return out;
  }

  private segmentHeader(kind: number, records: number): number {
    const at = this.position;
    this.view.setUint32(at, kind, true);
    this.view.setUint32(at + 4, records, true);
    return at + SEGMENT_HEADER_BYTES;
  }

  /** Makes room for `bytes` more. A finished buffer is handed over whole, so each gets its own memory. */
  private reserve(bytes: number): void {
    const needed = this.position + bytes;
    if (needed <= this.buffer.length) return;
    const grown = Buffer.allocUnsafeSlow(Math.max(needed, this.records === 0 ? this.expectedBytes : 2 * this.buffer.length));
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
      values = new Array<unknown>(n);
      for (let i = 0; i < n; i++, at += 4) values[i] = view.getInt32(at, true);
      at = padded(at);
    } else if ((kind & ~TIMED) === FLOAT64) {
      values = new Array<unknown>(n);
      for (let i = 0; i < n; i++, at += 8) values[i] = view.getFloat64(at, true);
    } else if ((kind & ~TIMED) === MSGPACK) {
      const length = view.getUint32(at, true);
      values = unpackr.unpack(this.bytes.subarray(at + 8, at + 8 + length)) as unknown[];
      at += 8 + padded(length);
    } else {
      throw new TypeError(`Network buffer with an unknown segment kind ${kind}: is the producer's TaskManager another Sage version?`);
    }
    let timestamps: number[];
    if ((kind & TIMED) !== 0) {
      timestamps = new Array<number>(n);
      for (let i = 0; i < n; i++, at += 8) timestamps[i] = view.getFloat64(at, true);
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

/** INT32 when every value is a 32-bit integer (not -0), FLOAT64 when every value is a number, else MSGPACK. */
function valueKind(values: readonly unknown[], n: number): number {
  let kind = INT32;
  for (let i = 0; i < n; i++) {
    const value = values[i];
    if (typeof value !== 'number') return MSGPACK;
    if (kind === INT32 && ((value | 0) !== value || (value === 0 && 1 / value < 0))) kind = FLOAT64;
  }
  return kind;
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
