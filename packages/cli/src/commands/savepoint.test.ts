// `sage savepoint` and `sage stop` in this process: flags, usage errors and exit codes. Taking real
// savepoints needs a cluster; that is tested in tests/cluster/.
import { createServer } from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../program.js';

let stdout: string;
let stderr: string;

beforeEach(() => {
  stdout = '';
  stderr = '';
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => ((stdout += String(chunk)), true));
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => ((stderr += String(chunk)), true));
});

afterEach(() => {
  vi.restoreAllMocks();
  process.exitCode = undefined;
});

const sage = (...args: string[]) => main(['node', 'sage', ...args]);

/** A port nothing listens on: bound once by this process, then released. */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

describe('sage savepoint', () => {
  it('exits 2 and says what is missing without a job id', async () => {
    expect(await sage('savepoint')).toBe(2);
    expect(stderr).toMatch(/missing required argument 'job-id'/);
    expect(stdout).toBe('');
  });

  it('exits 2 on a JobManager address that is not HOST:PORT', async () => {
    expect(await sage('savepoint', 'a1b2', '--jobmanager', 'localhost')).toBe(2);
    expect(stderr).toMatch(/expected HOST:PORT, e\.g\. 127\.0\.0\.1:6123, got 'localhost'/);
  });

  it('exits 1 naming the JobManager it cannot reach, and prints no savepoint id', async () => {
    const address = `127.0.0.1:${await closedPort()}`;
    expect(await sage('savepoint', 'a1b2', '--jobmanager', address)).toBe(1);
    expect(stderr).toMatch(new RegExp(`TriggerSavepoint on .*${address} failed: cannot reach`));
    expect(stdout).toBe('');
  });

  it('explains in its help that only the savepoint id goes to stdout', async () => {
    expect(await sage('savepoint', '--help')).toBe(0);
    expect(stdout).toMatch(/Usage: sage savepoint \[options\] <job-id>/);
    expect(stdout).toMatch(/ID=\$\(sage savepoint \$JOB\)/);
    expect(stdout).toMatch(/--jobmanager <host:port>/);
  });
});

describe('sage stop', () => {
  it('exits 2 and says what is missing without a job id', async () => {
    expect(await sage('stop', '--savepoint')).toBe(2);
    expect(stderr).toMatch(/missing required argument 'job-id'/);
  });

  it('exits 2 on an unknown flag', async () => {
    expect(await sage('stop', 'a1b2', '--drain')).toBe(2);
    expect(stderr).toMatch(/unknown option '--drain'/);
  });

  it('takes a savepoint with or without --savepoint: both reach the JobManager', async () => {
    const address = `127.0.0.1:${await closedPort()}`;
    for (const args of [['stop', 'a1b2'], ['stop', 'a1b2', '--savepoint']]) {
      stderr = '';
      expect(await sage(...args, '--jobmanager', address)).toBe(1);
      expect(stderr).toMatch(/Triggering a savepoint of job a1b2, then stopping it/);
      expect(stderr).toMatch(new RegExp(`TriggerSavepoint on .*${address} failed`));
    }
  });

  it('points to sage cancel in its help for ending a job without a savepoint', async () => {
    expect(await sage('stop', '--help')).toBe(0);
    expect(stdout).toMatch(/--savepoint/);
    expect(stdout).toMatch(/without a savepoint, use `sage cancel`/);
  });
});
