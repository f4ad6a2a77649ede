/**
 * What a job's files and printed records do on a cluster, where the job runs on the TaskManagers:
 * relative paths are refused before submission, a failed job leaves no output folder behind, and
 * `sage run` says where print() output goes.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TestCluster } from '../support/cluster.js';
import { repoRoot, waitFor } from '../support/sage-cli.js';

const wordCountFiles = join(repoRoot, 'tests/jobs/word-count-files.ts');
let cluster: TestCluster;

beforeAll(async () => {
  cluster = await TestCluster.start({ taskManagers: 1, slots: 2 });
});
afterAll(() => cluster?.stop());

describe('job files and printed records on a cluster', () => {
  it('refuses relative paths in file connectors before submitting, naming the absolute path to pass', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'sage-relative-'));
    const run = await cluster.sage(['run', wordCountFiles, '--', 'input/', join(cwd, 'out')], { cwd });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`Lines opens 'input/', a relative path: on a cluster it would resolve in each TaskManager's working directory, not yours.`);
    expect(run.stderr).toContain(`e.g. ${join(cwd, 'input')}/`);
    expect((await cluster.sage(['list'])).stdout).not.toMatch(/[0-9a-f]{32}/);
  });

  it('leaves no output folder on the TaskManagers when the job fails before writing a record', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sage-no-output-'));
    const run = await cluster.sage(['run', wordCountFiles, '--', join(dir, 'missing-input'), join(dir, 'out')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/missing-input does not exist/);
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });

  it("says that print() output goes to the TaskManagers' stdout, where the records appear", async () => {
    const run = await cluster.sage(['run', join(repoRoot, 'packages/examples/src/word-count.ts'), '-p', '2']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toContain("This job print()s records: on a cluster they appear on the TaskManagers' stdout (the terminal of `sage cluster start`), not here.");
    expect(run.stdout).not.toMatch(/\bto: \d+/);
    const tm = cluster.taskManagers[0]!;
    await waitFor(() => /^\d> to: 13$/m.test(tm.stdout), 10_000, () => `the last count of 'to' on the TaskManager's stdout:\n${tm.stdout}`);
  });
});
