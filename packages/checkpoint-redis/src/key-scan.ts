/**
 * Walking a namespace of keys with SCAN (never KEYS, which blocks Redis for the whole keyspace), in
 * batches: how an ended job's keys are found for expiry and a JobManager finds its job records.
 */
import type { Redis } from 'ioredis';

/** Calls `visit` with each batch of keys matching `pattern` (a glob: escape literal parts with globEscape). */
export async function scanKeys(redis: Redis, pattern: string, visit: (keys: string[]) => Promise<void>): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await visit(keys);
  } while (cursor !== '0');
}

/** `text` as a literal inside a SCAN pattern: a cluster or job id may hold `*`, `?`, `[` or `\`. */
export function globEscape(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}
