/**
 * What tests/jobs/checkpointed-sums.ts must commit, and what it did commit: the exact output a crash or
 * a stop is checked against.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from './sage-cli.js';

export const checkpointedSumsJob = join(repoRoot, 'tests/jobs/checkpointed-sums.ts');

/** The lines the job commits for `records` numbers, sorted. */
export function expectedSums(records: number): string[] {
  const totals = new Map<number, { count: number; sum: number }>();
  const lines: string[] = [];
  for (let n = 0; n < records; n++) {
    const key = n % 13;
    const t = totals.get(key) ?? { count: 0, sum: 0 };
    const next = { count: t.count + 1, sum: t.sum + n };
    totals.set(key, next);
    lines.push(JSON.stringify({ key, count: next.count, sum: next.sum }));
  }
  return lines.sort();
}

/** The committed lines under a FileSink directory (hidden in-progress files excluded), sorted. */
export function committedLines(dir: string): string[] {
  let files: string[];
  try {
    files = readdirSync(dir);
  } catch {
    return [];
  }
  return files
    .filter((f) => !f.startsWith('.'))
    .flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n').filter((l) => l.length > 0))
    .sort();
}

/**
 * A gate for the job: its source holds halfway until `open()`, so states a test waits for (RUNNING
 * with N checkpoints) hold until the test has acted; a job that ran to its end first would make the
 * test wait for a state already gone.
 */
export function sourceGate(): { readonly file: string; open(): void } {
  const file = join(mkdtempSync(join(tmpdir(), 'sage-gate-')), 'open');
  return { file, open: () => writeFileSync(file, '') };
}
