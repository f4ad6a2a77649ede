// `sage run` through the built CLI (the test command builds before vitest starts), as a user runs it.
// The main cases (output, args, parallelism, failures, help) are in tests/cli/cli.test.ts; restoring
// from a savepoint on a real cluster is in tests/cluster/.
import { spawn, type ChildProcessByStdio } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const sageBin = fileURLToPath(new URL('../../dist/bin.js', import.meta.url));
let dir: string;

interface Run {
  readonly child: ChildProcessByStdio<null, Readable, Readable>;
  readonly output: { stdout: string; stderr: string };
  /** The exit code, or 'timeout' (the process is then killed). */
  readonly exited: Promise<number | null | 'timeout'>;
}

function sageRun(args: readonly string[], timeoutMs = 20_000): Run {
  const child = spawn(process.execPath, [sageBin, 'run', ...args], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  const output = { stdout: '', stderr: '' };
  child.stdout.on('data', (d: Buffer) => (output.stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output.stderr += d.toString()));
  const exited = new Promise<number | null | 'timeout'>((resolve) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      resolve('timeout');
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
  return { child, output, exited };
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sage-run-'));
  // Counts far beyond what the test waits for, so the job is still running when Ctrl-C comes.
  writeFileSync(
    join(dir, 'long.ts'),
    `import { defineJob } from '@sage/core';
export default defineJob((env) => {
  env.fromSequence(1, 1e12).filter((n: number) => n % 10_000 === 0).print();
});
`,
  );
  writeFileSync(
    join(dir, 'needs-input.ts'),
    `import { defineJob } from '@sage/core';

function inputPath(args: readonly string[]): string {
  if (args.length === 0) throw new Error('give the input path after --');
  return args[0]!;
}

export default defineJob((env, args) => {
  env.fromElements(inputPath(args)).print();
});
`,
  );
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('sage run', () => {
  it('cancels a local job on Ctrl-C and exits 130', async () => {
    const run = sageRun(['long.ts', '--local']);
    // Wait for the first record (or an early exit, which the assertions below then report).
    await new Promise<void>((resolve) => {
      run.child.stdout.on('data', () => {
        if (run.output.stdout.includes('\n')) resolve();
      });
      void run.exited.then(() => resolve());
    });
    run.child.kill('SIGINT');
    expect(await run.exited, run.output.stderr).toBe(130);
    expect(run.output.stderr).toMatch(/Job long CANCELED in \d+\.\d\ds/);
    expect(run.output.stdout.split('\n')[0]).toBe('10000');
  });

  it("exits 2 with the user's error and its job-file frame when the job throws while it is built", async () => {
    const run = sageRun(['needs-input.ts']);
    expect(await run.exited).toBe(2);
    expect(run.output.stdout).toBe('');
    const { stderr } = run.output;
    expect(stderr).toMatch(/^Job needs-input failed before it started/);
    expect(stderr).toMatch(/Error: give the input path after --/);
    expect(stderr).toMatch(/inputPath .*needs-input\.ts:4:/);
    // Only the user's frames: Sage's loader and the CLI's own are noise to them.
    expect(stderr).not.toMatch(/planJob|commander|node:internal/);
  });
});

describe('sage run --from-savepoint', () => {
  it('exits 2 without --jobmanager: a local run has no savepoints to restore', async () => {
    for (const args of [['long.ts', '--from-savepoint', 'a1b2/7'], ['long.ts', '--local', '--from-savepoint', 'a1b2/7']]) {
      const run = sageRun(args);
      expect(await run.exited).toBe(2);
      expect(run.output.stderr).toMatch(/--from-savepoint needs --jobmanager/);
      expect(run.output.stdout).toBe('');
    }
  });

  it('exits 2 on an id that is not <job id>/<checkpoint id>', async () => {
    for (const id of ['a1b2', 'a1b2/', 'a1b2/0', '/7', '']) {
      const run = sageRun(['long.ts', '--jobmanager', '127.0.0.1:6123', '--from-savepoint', id]);
      expect(await run.exited).toBe(2);
      expect(run.output.stderr).toMatch(/expected a savepoint id as `sage savepoint` prints it, <job id>\/<checkpoint id>/);
    }
  });

  it('exits 2 on --allow-non-restored-state without --from-savepoint', async () => {
    const run = sageRun(['long.ts', '--jobmanager', '127.0.0.1:6123', '--allow-non-restored-state']);
    expect(await run.exited).toBe(2);
    expect(run.output.stderr).toMatch(/--allow-non-restored-state goes with --from-savepoint/);
  });

  it('describes both flags in its help', async () => {
    const run = sageRun(['--help']);
    expect(await run.exited).toBe(0);
    expect(run.output.stdout).toMatch(/--from-savepoint <id>/);
    expect(run.output.stdout).toMatch(/--allow-non-restored-state/);
  });
});
