/**
 * The records of one partition's fetch, decoded lazily: a struct of typed arrays (offset, timestamp,
 * where the key, value and headers lie) over the response's bytes, or over a decompressed batch's.
 * No object per record: a record lives as a few numbers until the reader emits it, so a fetch costs the
 * young generation nothing until then, and the built-in deserializers read straight from the bytes.
 * Key, value and headers become Buffers and objects only for the records that need them (a
 * deserializer function, `withMetadata`, a DecodeFailure).
 */

export class FetchedRecords {
  count = 0;
  offsets: Float64Array;
  timestamps: Float64Array;
  /** Index into `buffers` of the buffer holding record i's bytes. */
  bufferOf: Int32Array;
  /** Start and end of the key; start -1: a null key. */
  keyStart: Int32Array;
  keyEnd: Int32Array;
  /** Start and end of the value; start -1: a null value (a tombstone). */
  valueStart: Int32Array;
  valueEnd: Int32Array;
  /** Where the first header starts (after the count), and how many there are. */
  headersStart: Int32Array;
  headerCount: Int32Array;
  readonly buffers: Buffer[] = [];

  constructor(capacity: number) {
    const n = Math.max(1, capacity);
    this.offsets = new Float64Array(n);
    this.timestamps = new Float64Array(n);
    this.bufferOf = new Int32Array(n);
    this.keyStart = new Int32Array(n);
    this.keyEnd = new Int32Array(n);
    this.valueStart = new Int32Array(n);
    this.valueEnd = new Int32Array(n);
    this.headersStart = new Int32Array(n);
    this.headerCount = new Int32Array(n);
  }

  /** Makes room for `more` records after the current ones. */
  reserve(more: number): void {
    const needed = this.count + more;
    if (needed <= this.offsets.length) return;
    const n = Math.max(needed, this.offsets.length * 2);
    this.offsets = grown(this.offsets, new Float64Array(n));
    this.timestamps = grown(this.timestamps, new Float64Array(n));
    this.bufferOf = grown(this.bufferOf, new Int32Array(n));
    this.keyStart = grown(this.keyStart, new Int32Array(n));
    this.keyEnd = grown(this.keyEnd, new Int32Array(n));
    this.valueStart = grown(this.valueStart, new Int32Array(n));
    this.valueEnd = grown(this.valueEnd, new Int32Array(n));
    this.headersStart = grown(this.headersStart, new Int32Array(n));
    this.headerCount = grown(this.headerCount, new Int32Array(n));
  }

  bufferOfRecord(i: number): Buffer {
    return this.buffers[this.bufferOf[i]!]!;
  }

  /** The value's bytes (a view, not a copy), or null. */
  value(i: number): Buffer | null {
    const start = this.valueStart[i]!;
    return start < 0 ? null : this.bufferOfRecord(i).subarray(start, this.valueEnd[i]!);
  }

  key(i: number): Buffer | null {
    const start = this.keyStart[i]!;
    return start < 0 ? null : this.bufferOfRecord(i).subarray(start, this.keyEnd[i]!);
  }

  keyString(i: number): string | null {
    const start = this.keyStart[i]!;
    return start < 0 ? null : utf8(this.bufferOfRecord(i), start, this.keyEnd[i]!);
  }

  /** The value as UTF-8 text; only for a record whose value is not null. */
  valueString(i: number): string {
    return utf8(this.bufferOfRecord(i), this.valueStart[i]!, this.valueEnd[i]!);
  }

  /** Headers as Buffers (a null header value as an empty one); a name sent more than once gets an array. */
  rawHeaders(i: number): Record<string, Buffer | Buffer[]> {
    return this.headers(i, false) as Record<string, Buffer | Buffer[]>;
  }

  /** Headers as UTF-8 strings (a null header value as ''). */
  stringHeaders(i: number): Record<string, string | string[]> {
    return this.headers(i, true) as Record<string, string | string[]>;
  }

  private headers(i: number, asString: boolean): Record<string, Buffer | string | (Buffer | string)[]> {
    const out: Record<string, Buffer | string | (Buffer | string)[]> = {};
    const count = this.headerCount[i]!;
    if (count === 0) return out;
    const buf = this.bufferOfRecord(i);
    cursor.at = this.headersStart[i]!;
    for (let h = 0; h < count; h++) {
      const nameLength = readVarint(buf);
      const name = buf.toString('utf8', cursor.at, cursor.at + nameLength);
      cursor.at += nameLength;
      const valueLength = readVarint(buf);
      let value: Buffer | string;
      if (valueLength < 0) value = asString ? '' : Buffer.alloc(0);
      else {
        value = asString ? buf.toString('utf8', cursor.at, cursor.at + valueLength) : buf.subarray(cursor.at, cursor.at + valueLength);
        cursor.at += valueLength;
      }
      const existing = out[name];
      if (existing === undefined) out[name] = value;
      else if (Array.isArray(existing)) existing.push(value);
      else out[name] = [existing, value];
    }
    return out;
  }
}

/** Node's Buffer has the UTF-8 decoder that toString('utf8', start, end) ends in, without its argument checks. */
type Utf8Sliceable = Buffer & { utf8Slice?(start: number, end: number): string };
const HAS_UTF8_SLICE = typeof (Buffer.prototype as Utf8Sliceable).utf8Slice === 'function';

function utf8(buf: Buffer, start: number, end: number): string {
  return HAS_UTF8_SLICE ? (buf as Utf8Sliceable).utf8Slice!(start, end) : buf.toString('utf8', start, end);
}

/** No records: a fetch that only moved past control records or aborted transactions. */
export const NO_RECORDS = new FetchedRecords(1);

/** The read position of readVarint / readVarlong: one shared cursor, so reading allocates nothing. */
export const cursor = { at: 0 };

/** A zig-zag varint (int32) at cursor.at; moves the cursor past it. */
export function readVarint(buf: Uint8Array): number {
  let at = cursor.at;
  let b = buf[at++]!;
  let result = b & 0x7f;
  let shift = 7;
  while (b & 0x80) {
    b = buf[at++]!;
    result |= (b & 0x7f) << shift;
    shift += 7;
  }
  cursor.at = at;
  return (result >>> 1) ^ -(result & 1);
}

/** A zig-zag varlong at cursor.at as a number (exact below 2^53); moves the cursor past it. */
export function readVarlong(buf: Uint8Array): number {
  let at = cursor.at;
  let b = buf[at++]!;
  if (b < 0x80) {
    cursor.at = at;
    return (b >>> 1) ^ -(b & 1);
  }
  let value = b & 0x7f;
  let scale = 128;
  do {
    b = buf[at++]!;
    value += (b & 0x7f) * scale;
    scale *= 128;
  } while (b & 0x80);
  cursor.at = at;
  return value % 2 === 0 ? value / 2 : -(value + 1) / 2;
}

function grown<T extends Float64Array | Int32Array>(from: T, to: T): T {
  to.set(from);
  return to;
}
