/**
 * What tests/jobs/windowed-counts.ts must commit: per key and 1 s event-time window, the count and sum
 * of the numbers in it. The job and the tests share eventTime(), so both sides agree on each number's time.
 */
import { join } from 'node:path';
import { repoRoot } from './sage-cli.js';

export const windowedCountsJob = join(repoRoot, 'tests/jobs/windowed-counts.ts');

/** Event time of number n: 10 ms apart, pushed back by up to 1999 ms, so records arrive out of order. */
export function eventTime(n: number): number {
  return n * 10 - ((n * 7919) % 2000);
}

/** The lines the job commits for `records` numbers, sorted. */
export function expectedWindows(records: number): string[] {
  const windows = new Map<string, { key: number; start: number; count: number; sum: number }>();
  for (let n = 0; n < records; n++) {
    const key = n % 13;
    const start = Math.floor(eventTime(n) / 1000) * 1000;
    const id = `${key}@${start}`;
    const w = windows.get(id) ?? { key, start, count: 0, sum: 0 };
    windows.set(id, { key, start, count: w.count + 1, sum: w.sum + n });
  }
  return [...windows.values()].map((w) => JSON.stringify(w)).sort();
}
