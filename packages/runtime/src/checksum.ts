import { createHash } from 'node:crypto';

/** The sha-256 of some bytes, hex: names job artifacts and guards checkpoint blobs against corruption. */
export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
