/**
 * Two-input operators on a cluster (issue 12, point 5): an interval join and a keyed connect whose
 * subtasks run in two TaskManager processes, fed over the network from both inputs, give the
 * nested-loop answer.
 */
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TestCluster } from '../support/cluster.js';
import { repoRoot } from '../support/sage-cli.js';
import { BOUNDS, LEFT, RIGHT, seededEvents } from '../jobs/two-input-data.js';

let cluster: TestCluster | undefined;

afterEach(async () => {
  await cluster?.stop();
  cluster = undefined;
});

function committedLines(dir: string): unknown[] {
  return readdirSync(dir)
    .filter((f) => !f.startsWith('.'))
    .flatMap((f) => readFileSync(join(dir, f), 'utf8').split('\n').filter((l) => l.length > 0))
    .map((line) => JSON.parse(line) as unknown);
}

describe('two inputs on a cluster', () => {
  it('joins and connects keyed streams across TaskManagers with the nested-loop answer', async () => {
    const left = seededEvents(LEFT.count, LEFT.keys, LEFT.span, LEFT.disorder, LEFT.seed);
    const right = seededEvents(RIGHT.count, RIGHT.keys, RIGHT.span, RIGHT.disorder, RIGHT.seed);
    const expected: unknown[] = [];
    for (const l of left) {
      for (const r of right) {
        if (l.key === r.key && r.ts >= l.ts + BOUNDS.lower && r.ts <= l.ts + BOUNDS.upper) expected.push({ join: `${l.id}-${r.id}@${Math.max(l.ts, r.ts)}` });
      }
    }
    for (let key = 0; key < LEFT.keys; key++) {
      expected.push({ totals: `${key}:${left.filter((e) => e.key === key).length}:${right.filter((e) => e.key === key).length}` });
    }
    const out = join(mkdtempSync(join(tmpdir(), 'sage-two-inputs-')), 'out');
    cluster = await TestCluster.start({ taskManagers: 2, slots: 1 });
    const run = await cluster.sage(['run', join(repoRoot, 'tests/jobs/two-input-joins.ts'), '-p', '2', '--', out]);
    expect(run.code, run.stderr).toBe(0);
    const key = (v: unknown) => JSON.stringify(v);
    expect(committedLines(out).map(key).sort()).toEqual(expected.map(key).sort());
  });
});
