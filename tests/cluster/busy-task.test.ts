/**
 * The buffer timeout holds in a task that never waits for input (issue 10, point 6): records leave a
 * busy source task while it is still producing, not when it is done.
 */
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TestCluster } from '../support/cluster.js';
import { repoRoot } from '../support/sage-cli.js';

const jobs = join(repoRoot, 'tests/jobs');
let cluster: TestCluster | undefined;

afterEach(async () => {
  await cluster?.stop();
  cluster = undefined;
});

describe('a task kept busy by a costly operator', () => {
  it('sends its first records to the sinks on other TaskManagers while its source is still producing', async () => {
    // 3000 records at ~2 ms each: ~6 s of work, fewer than one poll of fromSequence (4096), which
    // before the fix the source emitted in one go without letting a single record out.
    const records = 3000;
    const dir = mkdtempSync(join(tmpdir(), 'sage-busy-'));
    cluster = await TestCluster.start({ taskManagers: 2, slots: 1 });
    const run = await cluster.sage(['run', join(jobs, 'busy-source.ts'), '-p', '2', '--', String(records), dir], { timeoutMs: 120_000 });
    expect(run.code, run.stderr).toBe(0);

    // The map after the source found the marker a sink creates on its first record before it had
    // mapped its last record: the sink saw records while the source was still producing.
    expect(existsSync(join(dir, 'seen-at')), 'the source mapped every record before any sink received one').toBe(true);
    expect(Number(readFileSync(join(dir, 'seen-at'), 'utf8'))).toBeLessThan(records - 1);

    const received = [0, 1].flatMap((s) => readFileSync(join(dir, `sink-${s}.txt`), 'utf8').split('\n').filter((l) => l !== '').map(Number));
    expect(received.sort((a, b) => a - b)).toEqual(Array.from({ length: records }, (_, i) => i));
  }, 180_000);
});
