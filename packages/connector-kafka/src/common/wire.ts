/**
 * Kafka's primitive types as the sink's and the source's own encoders and decoders write and read
 * them, on plain numbers: variable-length integers (zig-zag, then 7 bits a byte, low bits first, as
 * protobuf; a record's lengths and offset delta are int32 varints, its timestamp delta an int64
 * varlong), big-endian int64s (offsets, timestamps, producer ids; exact up to 2^53, see
 * source/fetch/fetch-request.ts) and int16-length strings. Reading varints is
 * source/fetch/fetched-records.ts's, with its shared cursor.
 */

/** Bytes of the varint of an int32. */
export function sizeOfVarint(value: number): number {
  let z = ((value << 1) ^ (value >> 31)) >>> 0;
  let bytes = 1;
  while (z > 0x7f) {
    bytes++;
    z >>>= 7;
  }
  return bytes;
}

/** Writes the varint of an int32 at `pos`; returns the position after it. */
export function writeVarint(buf: Uint8Array, pos: number, value: number): number {
  let z = ((value << 1) ^ (value >> 31)) >>> 0;
  while (z > 0x7f) {
    buf[pos++] = (z & 0x7f) | 0x80;
    z >>>= 7;
  }
  buf[pos++] = z;
  return pos;
}

/** Zig-zag of a safe integer: 0, -1, 1, -2, … → 0, 1, 2, 3, … */
function zigZag64(value: number): number {
  return value >= 0 ? value * 2 : -value * 2 - 1;
}

/** Bytes of the varlong of a safe integer whose magnitude is below 2^52. */
export function sizeOfVarlong(value: number): number {
  let z = zigZag64(value);
  let bytes = 1;
  while (z > 0x7f) {
    bytes++;
    z = Math.floor(z / 128);
  }
  return bytes;
}

/** Writes the varlong of a safe integer whose magnitude is below 2^52; returns the position after it. */
export function writeVarlong(buf: Uint8Array, pos: number, value: number): number {
  let z = zigZag64(value);
  while (z > 0x7fffffff) {
    buf[pos++] = (z % 128) | 0x80;
    z = Math.floor(z / 128);
  }
  while (z > 0x7f) {
    buf[pos++] = (z & 0x7f) | 0x80;
    z >>>= 7;
  }
  buf[pos++] = z;
  return pos;
}

/** Writes a safe integer as a big-endian int64; returns the position after it. */
export function writeInt64(buf: Buffer, pos: number, value: number): number {
  const high = Math.floor(value / 0x1_0000_0000);
  buf.writeInt32BE(high, pos);
  return buf.writeUInt32BE(value - high * 0x1_0000_0000, pos + 4);
}

/** A big-endian int64 as a number: exact below 2^53. */
export function readInt64(buf: Buffer, pos: number): number {
  return buf.readInt32BE(pos) * 0x1_0000_0000 + buf.readUInt32BE(pos + 4);
}

/** Writes a nullable string (int16 length in bytes, -1 for null, then UTF-8); returns the position after it. */
export function writeString(buf: Buffer, pos: number, value: string | null): number {
  if (value === null) return buf.writeInt16BE(-1, pos);
  const length = buf.write(value, pos + 2);
  buf.writeInt16BE(length, pos);
  return pos + 2 + length;
}
