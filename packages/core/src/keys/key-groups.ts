/**
 * Key groups: the unit of keyed state. `keyGroup = murmur(hash(key)) mod maxParallelism`, and each
 * subtask of a keyed operator owns a contiguous range of key groups. The formulas are Flink's
 * (KeyGroupRangeAssignment), so state can be redistributed by range when the parallelism changes.
 */
import { hashKey } from './key-hash.js';

export const DEFAULT_MAX_PARALLELISM = 128;
export const UPPER_BOUND_MAX_PARALLELISM = 1 << 15;

export interface KeyGroupRange {
  /** First key group, inclusive. */
  readonly start: number;
  /** Last key group, inclusive. */
  readonly end: number;
}

/** The 32-bit murmur3 finaliser: spreads the bits of a weak hash (Java-style string hashes) evenly. */
export function murmurMix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Throws InvalidKey, naming `operatorName`, for a key that cannot be hashed stably (see key-hash.ts). */
export function assignToKeyGroup(key: unknown, maxParallelism: number, operatorName?: string): number {
  return murmurMix(hashKey(key, operatorName)) % maxParallelism;
}

export function keyGroupRangeForSubtask(
  maxParallelism: number,
  parallelism: number,
  subtaskIndex: number,
): KeyGroupRange {
  const start = Math.floor((subtaskIndex * maxParallelism + parallelism - 1) / parallelism);
  const end = Math.floor(((subtaskIndex + 1) * maxParallelism - 1) / parallelism);
  return { start, end };
}

export function subtaskForKeyGroup(maxParallelism: number, parallelism: number, keyGroup: number): number {
  return Math.floor((keyGroup * parallelism) / maxParallelism);
}
