// Runs the built CLI (the test command builds before vitest starts), as a user at a terminal would.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const sageBin = fileURLToPath(new URL('../../dist/bin.js', import.meta.url));
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sage-local-run-'));
  // Counts far beyond what the test waits for, so the job is still running when Ctrl-C comes.
  writeFileSync(
    join(dir, 'long.ts'),
    `import { defineJob } from '@sage/core';
export default defineJob((env) => {
  env.fromSequence(1, 1e12).filter((n: number) => n % 10_000 === 0).print();
});
`,
  );
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('sage run --local', () => {
  it('cancels the job on Ctrl-C and exits 130', async () => {
    const child = spawn(process.execPath, [sageBin, 'run', 'long.ts', '--local'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    // Wait for the first record (or an early exit, which the assertions below then report).
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (d: Buffer) => {
        stdout += d.toString();
        if (stdout.includes('\n')) resolve();
      });
      void exited.then(() => resolve());
    });
    child.kill('SIGINT');
    const code = await Promise.race([exited, new Promise((resolve) => setTimeout(() => resolve('still running'), 10_000))]);
    if (code === 'still running') child.kill('SIGKILL');
    expect(code, stderr).toBe(130);
    expect(stderr).toMatch(/Job long CANCELED in \d+\.\d\ds/);
    expect(stdout.split('\n')[0]).toBe('10000');
  });
});
