import { createHash } from 'node:crypto';

/**
 * The sha-256 of some bytes, hex: names job artifacts and guards checkpoint blobs against corruption.
 * Bytes given as pieces hash as their concatenation.
 */
export function sha256(bytes: Uint8Array | readonly Uint8Array[]): string {
  const hash = createHash('sha256');
  if (bytes instanceof Uint8Array) return hash.update(bytes).digest('hex');
  for (const piece of bytes) hash.update(piece);
  return hash.digest('hex');
}
