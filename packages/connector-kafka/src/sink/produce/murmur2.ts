/**
 * Kafka's murmur2 (org.apache.kafka.common.utils.Utils.murmur2), the hash its default partitioner
 * places keyed records by. kafkajs computes it with BigInt-backed Longs; 32-bit multiplication
 * modulo 2^32 (Math.imul) gives the same bits, since only the low 32 bits of h are ever kept.
 */

const SEED = 0x9747b28c;
const M = 0x5bd1e995;

/** murmur2 of `bytes[0, length)`, as a signed 32-bit integer (as Java's int). */
export function murmur2(bytes: Uint8Array, length = bytes.length): number {
  let h = SEED ^ length;
  const length4 = length & ~3;
  for (let i = 0; i < length4; i += 4) {
    let k = bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24);
    k = Math.imul(k, M);
    k ^= k >>> 24;
    k = Math.imul(k, M);
    h = Math.imul(h, M) ^ k;
  }
  // The last one to three bytes (Java's switch falls through from case 3 to case 1).
  const rest = length & 3;
  if (rest > 0) {
    if (rest === 3) h ^= bytes[length4 + 2]! << 16;
    if (rest >= 2) h ^= bytes[length4 + 1]! << 8;
    h ^= bytes[length4]!;
    h = Math.imul(h, M);
  }
  h ^= h >>> 13;
  h = Math.imul(h, M);
  h ^= h >>> 15;
  return h | 0;
}
