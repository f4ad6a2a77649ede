/**
 * Restarts on a real cluster: a checkpointed job that fails on every attempt backs off by the default
 * exponential-delay strategy, `sage run` (no terminal here: its output is a pipe) prints each restart
 * with its cause on stderr, and `sage status` keeps the history. And the JobManager's /metrics port.
 */
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort, TestCluster } from '../support/cluster.js';
import { repoRoot, sage, startSage } from '../support/sage-cli.js';

const jobs = join(repoRoot, 'tests/jobs');
let cluster: TestCluster | undefined;

afterEach(async () => {
  await cluster?.stop();
  cluster = undefined;
});

interface Exception {
  outcome: string;
  attempt: number;
  code: string;
  message: string;
  location: string;
  restartDelayMs: number | null;
}

describe('a job that fails on every attempt', () => {
  it('restarts with growing delays, each restart and its cause printed by sage run and kept in sage status', async () => {
    cluster = await TestCluster.start({ taskManagers: 1, slots: 1 });
    const run = startSage(['run', join(jobs, 'failing-checkpointed.ts'), '--jobmanager', cluster.address]);
    try {
      // Three restarts: delays of 1 s, 1.5 s and 2.25 s (±10 %) by Flink's default exponential delay.
      const restartLine = /Job Always failing: attempt (\d+) failed in .*: TypeError: record 100 failed validation — restarting in (\d+ ms|[\d.]+ s)/g;
      await run.waitForLog('attempt 2 failed', 60_000);
      const printed = [...run.stderr.matchAll(restartLine)];
      expect(printed.map((m) => Number(m[1])).slice(0, 3), run.stderr).toEqual([0, 1, 2]);
      expect(run.stdout).not.toMatch(/restarting/);

      const jobId = /[0-9a-f]{32}/.exec(run.stdout)![0];
      const status = (await cluster.status(jobId)) as unknown as { state: string; failure: unknown; restarts: number; exceptions: Exception[] };
      expect(status.failure).toBeNull();
      const restarts = status.exceptions.filter((e) => e.outcome === 'restarted').reverse();
      expect(restarts.length).toBeGreaterThanOrEqual(3);
      for (const entry of restarts) {
        expect(entry).toMatchObject({ code: 'TypeError', message: 'record 100 failed validation' });
        expect(entry.location).toMatch(/on tm-1/);
      }
      const delays = restarts.slice(0, 3).map((e) => e.restartDelayMs!);
      expect(delays[0]).toBeGreaterThanOrEqual(900);
      expect(delays[0]).toBeLessThanOrEqual(1100);
      expect(delays[1]).toBeGreaterThan(delays[0]!);
      expect(delays[2]).toBeGreaterThan(delays[1]!);

      const human = await cluster.sage(['status', jobId]);
      expect(human.stdout).toMatch(/Exceptions \(newest first\):\n  \S+  attempt \d+ failed in .*TypeError: record 100 failed validation — restarting in/);

      const cancel = await cluster.sage(['cancel', jobId]);
      expect(cancel.code, cancel.stderr).toBe(0);
      await run.exited;
      expect(run.stderr).toContain('CANCELED');
      // Ended, so the count holds still: /metrics agrees with the status.
      const ended = (await cluster.status(jobId)) as unknown as { state: string; restarts: number };
      expect(ended.state).toBe('CANCELED');
      const metrics = await cluster.metrics();
      const line = metrics.split('\n').find((l) => l.startsWith('sage_job_restarts_total{') && l.includes(jobId));
      expect(Number(line?.split(' ').pop())).toBe(ended.restarts);
    } finally {
      await run.stop();
    }
  }, 120_000);
});

describe("the JobManager's metrics port", () => {
  it('stops a JobManager whose metrics port is taken, saying which and what to do', async () => {
    const port = await freePort();
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(port, '127.0.0.1', resolve));
    try {
      const result = await sage(['jobmanager', '--port', String(await freePort()), '--metrics-port', String(port)], { timeoutMs: 30_000 });
      expect(result.code).not.toBe(0);
      expect(result.stderr).toContain(`The metrics port 127.0.0.1:${port} is in use by another process`);
      expect(result.stderr).toContain('--metrics-port');
    } finally {
      blocker.close();
    }
  }, 60_000);
});
