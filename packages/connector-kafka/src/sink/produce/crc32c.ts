/**
 * CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), the checksum of a Kafka RecordBatch v2 (over
 * everything after its crc field). Slice-by-8: eight 256-entry tables let each step fold eight bytes
 * with eight lookups instead of one byte per lookup, several times faster than kafkajs's byte-wise
 * loop (protocol/recordBatch/crc32C) on the 100 KB batches the sink sends.
 */

const POLYNOMIAL = 0x82f63b78;

/** TABLES[k * 256 + b]: the CRC of byte b followed by k zero bytes. */
const TABLES = buildTables();

function buildTables(): Int32Array {
  const tables = new Int32Array(8 * 256);
  for (let b = 0; b < 256; b++) {
    let crc = b;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ POLYNOMIAL : crc >>> 1;
    tables[b] = crc;
  }
  for (let b = 0; b < 256; b++) {
    let crc = tables[b]!;
    for (let k = 1; k < 8; k++) {
      crc = tables[crc & 0xff]! ^ (crc >>> 8);
      tables[k * 256 + b] = crc;
    }
  }
  return tables;
}

/** The CRC-32C of `bytes[start, end)`, as an unsigned 32-bit number. */
export function crc32c(bytes: Uint8Array, start = 0, end = bytes.length): number {
  const t = TABLES;
  let crc = ~0;
  let i = start;
  const end8 = start + ((end - start) & ~7);
  while (i < end8) {
    const lo = crc ^ (bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24));
    crc =
      t[1792 + (lo & 0xff)]! ^
      t[1536 + ((lo >>> 8) & 0xff)]! ^
      t[1280 + ((lo >>> 16) & 0xff)]! ^
      t[1024 + (lo >>> 24)]! ^
      t[768 + bytes[i + 4]!]! ^
      t[512 + bytes[i + 5]!]! ^
      t[256 + bytes[i + 6]!]! ^
      t[bytes[i + 7]!]!;
    i += 8;
  }
  while (i < end) crc = t[(crc ^ bytes[i++]!) & 0xff]! ^ (crc >>> 8);
  return ~crc >>> 0;
}
