/**
 * Key rules on a cluster (issue 10, point 7): a key that cannot be hashed alike in every process fails
 * the job with a message naming the keyed operator, instead of going silently to an arbitrary subtask.
 */
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

describe('keys', () => {
  it('fails a job whose key selector returns undefined, naming the keyed operator and what to do', async () => {
    cluster = await TestCluster.start({ taskManagers: 2, slots: 1 });
    const run = await cluster.sage(['run', join(jobs, 'missing-key.ts'), '-p', '2']);
    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr).toMatch(/InvalidKey/);
    expect(run.stderr).toMatch(/The key selector of operator 'Visits per user' returned the key undefined: keys must be strings/);
    expect(run.stderr).toMatch(/r => r\.user \?\? 'unknown'/);
  });
});
