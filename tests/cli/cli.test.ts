/** `sage` as a user runs it: a job file in a folder of its own, flags, arguments, failures, help. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { readFileSync, symlinkSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { repoRoot, sage } from '../support/sage-cli.js';
import { EMBEDDED_TEXT, words } from '../../packages/examples/src/word-count.js';

let dir: string;

beforeAll(() => {
  // Outside the repository, with no node_modules: @sage/* must resolve from the CLI's own install.
  dir = mkdtempSync(join(tmpdir(), 'sage-cli-'));
  writeFileSync(
    join(dir, 'squares.ts'),
    `import { defineJob } from '@sage/core';
export default defineJob((env, args) => {
  const limit = Number(args[0] ?? 5);
  env.fromSequence(1, limit).map((n: number): string => \`\${n}^2=\${n * n}\`).print();
});
`,
  );
  writeFileSync(
    join(dir, 'args.ts'),
    `import { defineJob } from '@sage/core';
export default defineJob((env, args) => {
  env.fromElements(JSON.stringify(args)).print();
});
`,
  );
  writeFileSync(
    join(dir, 'explode.ts'),
    `import { defineJob } from '@sage/core';

function checkRecord(n: number): number {
  if (n === 42) throw new Error('record 42 is not allowed');
  return n;
}

export default defineJob((env) => {
  env.fromSequence(1, 100).map(checkRecord).print();
});
`,
  );
  writeFileSync(join(dir, 'no-job.ts'), `export const answer = 42;\n`);
  writeFileSync(
    join(dir, 'no-sink.ts'),
    `import { defineJob } from '@sage/core';
export default defineJob((env) => {
  env.fromSequence(1, 10).map((n: number) => n + 1).name('Lonely map');
});
`,
  );
  writeFileSync(join(dir, 'broken.ts'), `export default defineJob((env) => { env.fromSequence(1, }\n`);
});

describe('sage run', () => {
  it('runs a TypeScript job from a folder outside the repository and prints exactly its records', async () => {
    const result = await sage(['run', 'squares.ts'], { cwd: dir });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe('1^2=1\n2^2=4\n3^2=9\n4^2=16\n5^2=25\n');
    expect(result.stderr).toMatch(/Job squares FINISHED/);
  });

  it('hands the arguments after -- to the job', async () => {
    const result = await sage(['run', join(dir, 'args.ts'), '--', 'a', 'b']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe('["a","b"]\n');
  });

  it('gives the same records at parallelism 3', async () => {
    const result = await sage(['run', 'squares.ts', '-p', '3', '--', '9'], { cwd: dir });
    expect(result.code, result.stderr).toBe(0);
    const records = result.stdout.trim().split('\n').map((line) => line.replace(/^\d> /, ''));
    expect(records.sort()).toEqual(Array.from({ length: 9 }, (_, i) => `${i + 1}^2=${(i + 1) ** 2}`).sort());
  });

  it("exits 1 with the user's error and a stack trace pointing into the job file", async () => {
    const result = await sage(['run', 'explode.ts'], { cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/FAILED/);
    expect(result.stderr).toMatch(/Error: record 42 is not allowed/);
    expect(result.stderr).toMatch(/checkRecord .*explode\.ts:4/);
  });

  it('exits 2 with a clear message for a module without a job, a job without a sink, and a syntax error', async () => {
    const noJob = await sage(['run', 'no-job.ts'], { cwd: dir });
    expect(noJob.code).toBe(2);
    expect(noJob.stderr).toMatch(/default export must be defineJob/);
    const noSink = await sage(['run', 'no-sink.ts'], { cwd: dir });
    expect(noSink.code).toBe(2);
    expect(noSink.stderr).toMatch(/'Lonely map'.*goes nowhere.*\.sink/);
    const broken = await sage(['run', 'broken.ts'], { cwd: dir });
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/broken\.ts:1:\d+/);
    const missing = await sage(['run', 'nothing-here.ts'], { cwd: dir });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/nothing-here\.ts does not exist/);
  });

  it('rejects wrong flags with usage help', async () => {
    const unknown = await sage(['run', 'squares.ts', '--frobnicate'], { cwd: dir });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/unknown option '--frobnicate'/);
    const badP = await sage(['run', 'squares.ts', '-p', 'zero'], { cwd: dir });
    expect(badP.code).toBe(2);
    expect(badP.stderr).toMatch(/whole number of at least 1/);
  });

  it('explains itself with --help', async () => {
    const top = await sage(['--help']);
    expect(top.code).toBe(0);
    expect(top.stdout).toMatch(/run \[options\] <job>/);
    const run = await sage(['run', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/-p, --parallelism <n>/);
    expect(run.stdout).toMatch(/--jobmanager <host:port>/);
  });
});

describe('sage --version and the ./sage script', () => {
  const version = (JSON.parse(readFileSync(join(repoRoot, 'packages/cli/package.json'), 'utf8')) as { version: string }).version;

  it('prints the version of packages/cli/package.json with --version and -V', async () => {
    for (const flag of ['--version', '-V']) {
      const result = await sage([flag]);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toBe(`${version}\n`);
    }
  });

  it('runs from any folder through a link onto PATH, with nothing but the command\'s own output on stdout', () => {
    const bin = mkdtempSync(join(tmpdir(), 'sage-path-'));
    symlinkSync(join(repoRoot, 'sage'), join(bin, 'sage'));
    const result = spawnSync('sh', ['-c', 'sage --version && sage run args.ts -- x'], {
      cwd: dir,
      env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, SAGE_COMMAND: '' },
      encoding: 'utf8',
    });
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toBe(`${version}\n["x"]\n`);
  });
});

describe('errors of cluster processes', () => {
  it('prints only the message when Redis is unreachable or a config file has a typo, the stack with --verbose', async () => {
    const noRedis = await sage(['jobmanager', '--port', '1', '--redis', 'redis://127.0.0.1:1']);
    expect(noRedis.code).toBe(1);
    expect(noRedis.stderr).toMatch(/^Cannot reach Redis at redis:\/\/127\.0\.0\.1:1: .* start Redis, or point the JobManager at yours with the 'redis' setting\n$/);

    const config = join(dir, 'typo.yaml');
    writeFileSync(config, 'portt: 6123\n');
    const typo = await sage(['jobmanager', '--config', config]);
    expect(typo.code).toBe(1);
    expect(typo.stderr).toBe(`Invalid JobManager configuration in ${config}: config: Unrecognized key: "portt"\n`);

    const verbose = await sage(['jobmanager', '--config', config, '--verbose']);
    expect(verbose.code).toBe(1);
    expect(verbose.stderr).toMatch(/^InvalidConfiguration: Invalid JobManager configuration .*\n\s+at loadJobManagerConfig /);

    const debug = join(dir, 'debug.yaml');
    writeFileSync(debug, 'logLevel: debug\nport: 1\nredis: redis://127.0.0.1:1\n');
    const debugRun = await sage(['jobmanager', '--config', debug]);
    expect(debugRun.code).toBe(1);
    expect(debugRun.stderr).toMatch(/RedisUnreachable: Cannot reach Redis at redis:\/\/127\.0\.0\.1:1: .*\n\s+at RedisJobStore\.ping /);
  });
});

describe('the word count example', () => {
  it('prints running counts whose last value per word is the independent count', async () => {
    const result = await sage(['run', join(repoRoot, 'packages/examples/src/word-count.ts'), '-p', '2']);
    expect(result.code, result.stderr).toBe(0);
    const expected = new Map<string, number>();
    for (const line of EMBEDDED_TEXT) for (const word of words(line)) expected.set(word, (expected.get(word) ?? 0) + 1);
    const finals = new Map<string, number>();
    for (const line of result.stdout.trim().split('\n')) {
      const [word, count] = line.replace(/^\d> /, '').split(': ');
      finals.set(word!, Math.max(finals.get(word!) ?? 0, Number(count)));
    }
    expect(finals).toEqual(expected);
    expect(finals.get('to')).toBe(13);
  });
});
