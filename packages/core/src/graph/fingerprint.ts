/**
 * A 128-bit hash of text (four independent 32-bit murmur-style lanes), as hex. Used for JobGraph
 * fingerprints, where it must be identical in every process; it is not a cryptographic hash.
 */
export function fingerprintOf(text: string): string {
  const seeds = [0x9747b28c, 0x5bd1e995, 0x1b873593, 0xcc9e2d51];
  return seeds.map((seed) => lane(text, seed).toString(16).padStart(8, '0')).join('');
}

function lane(text: string, seed: number): number {
  let h = seed ^ text.length;
  for (let i = 0; i < text.length; i++) {
    let k = Math.imul(text.charCodeAt(i), 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    h ^= Math.imul(k, 0x1b873593);
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
