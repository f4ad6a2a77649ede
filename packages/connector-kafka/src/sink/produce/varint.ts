/**
 * Kafka's variable-length integers (zig-zag, then 7 bits a byte, low bits first, as protobuf), on plain
 * numbers: a record's lengths and offset delta are int32 varints, its timestamp delta an int64
 * varlong, which a JavaScript number holds exactly up to 2^53.
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

/** Writes a safe integer as a big-endian int64. */
export function writeInt64(buf: Buffer, pos: number, value: number): void {
  const high = Math.floor(value / 0x1_0000_0000);
  buf.writeInt32BE(high, pos);
  buf.writeUInt32BE(value - high * 0x1_0000_0000, pos + 4);
}
