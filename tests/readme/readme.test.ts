/**
 * The README as a new user follows it: every command of its `sh` blocks runs, as written, from the
 * repository root, in one shell (so `JOB=$(…)` and `$PWD` carry from line to line), against a real
 * cluster, the local Kafka broker and Redis; or it is listed in NOT_RUN with the reason it cannot run
 * here. A README line in neither place fails the test, so a new command gets one or the other.
 *
 * What the test changes, and why: the Kafka walk-through's topic names get a unique suffix (the
 * broker is shared, and kafka:setup's totals hold for topics that were empty), `sage cluster start`
 * gets `--config` with a clusterId of its own (the JobManager resumes the jobs of its Redis
 * namespace, which the test deletes afterwards), and the savepoint block runs after the Kafka block,
 * whose job it operates on, as the README says.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { TestTopics } from '../../packages/connector-kafka/src/common/test-topics.js';
import { repoRoot, waitFor } from '../support/sage-cli.js';

/** README lines this test does not run, by their start, with the reason. */
const NOT_RUN: readonly (readonly [string, string])[] = [
  ['npm test', 'the whole test suite, of which this test is a part'],
  ['npm run -s bench', 'benchmarks take minutes and must run alone on the machine'],
  ['./sage jobmanager', 'a long-running process, the same one `sage cluster start` (run here) starts'],
  ['./sage taskmanager', 'a long-running process, the same one `sage cluster start` (run here) starts'],
  ['./sage cluster start', 'a long-running process: the test starts it in the background (see startCluster)'],
  ['docker compose', 'no Docker engine here; tests/deploy/compose.test.ts checks docker-compose.yml'],
  ["echo '{\"account\":\"acct-1\",\"amount\":25}' | docker compose", 'no Docker engine here'],
];

/** Files and folders the walk-through creates at the repository root (listed in .gitignore). */
const CREATED = ['job.ts', 'input', 'output', 'output-cluster', 'output-detached'];

const suffix = randomBytes(4).toString('hex');
const clusterId = `test-readme-${suffix}`;
const topicNames: Record<string, string> = {
  'account-events': `account-events-readme-${suffix}`,
  'account-totals': `account-totals-readme-${suffix}`,
  'user-events': `user-events-readme-${suffix}`,
  'activity-alerts': `activity-alerts-readme-${suffix}`,
};

/** A topic name where the README writes one: not the example file `activity-alerts.ts`. */
function withUniqueTopics(line: string): string {
  for (const [name, unique] of Object.entries(topicNames)) line = line.replace(new RegExp(`${name}(?![\\w.-])`, 'g'), unique);
  return line;
}

interface Block {
  readonly section: string;
  readonly lines: readonly string[];
}

/** The README's `sh` blocks with the `## section` each is under; continuation lines joined. */
function readmeBlocks(readme: string): Block[] {
  const blocks: Block[] = [];
  let section = '';
  const lines = readme.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]!.startsWith('## ')) section = lines[i]!.slice(3);
    if (lines[i] !== '```sh') continue;
    const commands: string[] = [];
    for (i++; lines[i] !== '```'; i++) {
      const previous = commands.at(-1);
      if (previous?.endsWith('\\')) commands[commands.length - 1] = `${previous.slice(0, -1)}${lines[i]!.trim()}`;
      else if (lines[i]!.trim()) commands.push(lines[i]!);
    }
    blocks.push({ section, lines: commands });
  }
  return blocks;
}

/** The job.ts of the README's `ts` block that starts with `// job.ts`. */
function readmeJob(readme: string): string {
  const match = /```ts\n(\/\/ job\.ts\n[\s\S]*?)```/.exec(readme);
  if (!match) throw new Error('README.md has no ```ts block starting with // job.ts');
  return match[1]!;
}

/** One bash process for the whole walk-through: variables and the working directory carry over. */
class Shell {
  private readonly bash: ChildProcess;
  private out = '';
  private readonly dir = mkdtempSync(join(tmpdir(), 'sage-readme-'));
  private count = 0;

  constructor(cwd: string) {
    this.bash = spawn('bash', ['--noprofile', '--norc'], { cwd, stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, FORCE_COLOR: '0', SAGE_COMMAND: '' } });
    this.bash.stdout!.on('data', (d: Buffer) => (this.out += d.toString()));
    this.bash.stdin!.write('set -o pipefail\n');
  }

  /** Runs one command line; resolves with its exit code and what it wrote. */
  async run(line: string, timeoutMs = 120_000): Promise<{ code: number; stdout: string; stderr: string }> {
    const n = ++this.count;
    const stdout = join(this.dir, `${n}.out`);
    const stderr = join(this.dir, `${n}.err`);
    const marker = `__readme_done_${n}_`;
    this.bash.stdin!.write(`{\n${line}\n} >${stdout} 2>${stderr} </dev/null; echo "${marker}$?"\n`);
    const done = new RegExp(`${marker}(\\d+)\\n`);
    await waitFor(() => done.test(this.out), timeoutMs, () => `\`${line}\` to end; its stderr so far:\n${existsSync(stderr) ? readFileSync(stderr, 'utf8') : ''}`);
    return { code: Number(done.exec(this.out)![1]), stdout: readFileSync(stdout, 'utf8'), stderr: readFileSync(stderr, 'utf8') };
  }

  close(): void {
    this.bash.stdin!.end();
  }
}

function portTaken(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection(port, '127.0.0.1');
    socket.on('connect', () => (socket.destroy(), resolve(true)));
    socket.on('error', () => resolve(false));
  });
}

/** `./sage cluster start …` as the README writes it, plus --config for a clusterId of the test's own. */
async function startCluster(line: string): Promise<ChildProcess & { log: string }> {
  expect(await portTaken(6123), "port 6123 must be free: the README's cluster listens there").toBe(false);
  const config = join(mkdtempSync(join(tmpdir(), 'sage-readme-config-')), 'jobmanager.yaml');
  writeFileSync(config, `clusterId: ${clusterId}\n`);
  const args = line.replace(/#.*$/, '').trim().split(/\s+/).slice(1);
  const child = Object.assign(spawn(join(repoRoot, 'sage'), [...args, '--config', config], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, SAGE_COMMAND: '' },
    }), { log: '' });
  child.stdout!.on('data', (d: Buffer) => (child.log += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (child.log += d.toString()));
  await waitFor(() => child.log.split('Registered with the JobManager').length >= 3, 60_000, () => `two TaskManagers registered:\n${child.log}`);
  // The command it names is one that works: the script as it was called.
  expect(child.log).toContain(`Submit a job with: ${join(repoRoot, 'sage')} run job.ts -p 4 --jobmanager 127.0.0.1:6123`);
  return child;
}

/** The last value per account of what kafka-read printed, as JSON lines. */
function lastTotals(printed: string): string[] {
  const last = new Map<string, string>();
  for (const line of printed.split('\n').filter((l) => l.startsWith('{'))) last.set((JSON.parse(line) as { account: string }).account, line);
  return [...last.values()].sort();
}

let cluster: (ChildProcess & { log: string }) | undefined;
let shell: Shell | undefined;

afterAll(async () => {
  shell?.close();
  if (cluster && cluster.exitCode === null) {
    const exited = new Promise((resolve) => cluster!.on('exit', resolve));
    cluster.kill('SIGINT');
    await exited;
  }
  const topics = new TestTopics('readme');
  try {
    const admin = await topics.connect();
    const existing = new Set(await admin.listTopics());
    const ours = Object.values(topicNames).filter((t) => existing.has(t));
    if (ours.length > 0) await admin.deleteTopics({ topics: ours });
  } finally {
    await topics.close();
  }
  const redis = new Redis('redis://127.0.0.1:6379');
  try {
    const keys = await redis.keys(`sage:${clusterId}:*`);
    if (keys.length > 0) await redis.del(...keys);
  } finally {
    redis.disconnect();
  }
  for (const path of CREATED) rmSync(join(repoRoot, path), { recursive: true, force: true });
}, 60_000);

describe('README.md', () => {
  it('runs every command of its sh blocks as written, or says why not', async () => {
    const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
    const version = (JSON.parse(readFileSync(join(repoRoot, 'packages/cli/package.json'), 'utf8')) as { version: string }).version;
    for (const path of CREATED) rmSync(join(repoRoot, path), { recursive: true, force: true });
    writeFileSync(join(repoRoot, 'job.ts'), readmeJob(readme));

    const blocks = readmeBlocks(readme);
    const savepoints = blocks.filter((b) => b.section.startsWith('Checkpoints'));
    // The event-time walk-through needs the broker, which the Kafka section starts.
    const needsKafka = (b: Block) => b.section.startsWith('Kafka') || b.section.startsWith('Event time');
    const ordered = [
      ...blocks.filter((b) => !savepoints.includes(b) && !needsKafka(b)),
      ...blocks.filter((b) => b.section.startsWith('Kafka')),
      ...blocks.filter((b) => b.section.startsWith('Event time')),
      ...savepoints,
    ];
    expect(ordered.length).toBe(blocks.length);
    expect(savepoints.length).toBe(1);

    shell = new Shell(repoRoot);
    let expectedTotals: string[] = [];
    let expectedAlerts = -1;
    let ran = 0;
    for (const block of ordered) {
      for (const written of block.lines) {
        if (written.startsWith('./sage cluster start') && cluster === undefined) {
          cluster = await startCluster(written);
          ran++;
          continue;
        }
        const skipped = NOT_RUN.find(([start]) => written.startsWith(start));
        if (skipped) continue;

        const line = withUniqueTopics(written);
        const result = await shell.run(line);
        ran++;
        expect(result.code, `\`${written}\` (${block.section}) exited ${result.code}\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`).toBe(0);

        if (written.startsWith('./sage --version')) expect(result.stdout).toBe(`${version}\n`);
        if (written.startsWith('cat output/')) expect(result.stdout).toContain('{"word":"to","count":2}');
        if (written.includes('jq -r .state')) expect(result.stdout).toMatch(/^(CREATED|RUNNING|FINISHED)\n$/);
        if (written.startsWith('deploy/kafka/kafka.sh status')) expect(result.stdout).toMatch(/127\.0\.0\.1:19092/);
        if (written.includes('kafka:setup')) {
          expectedTotals = result.stdout.split('\n').filter((l) => l.startsWith('{')).sort();
          expect(expectedTotals.length).toBe(10);
        }
        if (written.startsWith('JOB=$(') || written.startsWith('ID=$(')) {
          const value = (await shell.run(written.startsWith('JOB') ? 'echo "$JOB"' : 'echo "$ID"')).stdout;
          expect(value, written).toMatch(written.startsWith('JOB') ? /^[0-9a-f]{32}\n$/ : /^[0-9a-f]{32}\/\d+\n$/);
        }
        if (written.includes('activity:setup')) {
          expectedAlerts = Number(/raises (\d+) alerts/.exec(result.stdout)?.[1]);
          expect(expectedAlerts, result.stdout).toBeGreaterThan(0);
        }
        if (written.includes('kafka-read.ts') && written.includes('activity-alerts')) {
          // The bounded run before it has ended, and with it every window: all alerts are committed.
          expect(result.stdout.split('\n').filter((l) => l.startsWith('{')).length).toBe(expectedAlerts);
          continue;
        }
        if (written.includes('kafka-read.ts')) {
          // The job may not have caught up when the README's read runs: read again until it has.
          let last = lastTotals(result.stdout);
          await waitFor(
            async () => {
              if (JSON.stringify(last) === JSON.stringify(expectedTotals)) return true;
              last = lastTotals((await shell!.run(line)).stdout);
              return JSON.stringify(last) === JSON.stringify(expectedTotals);
            },
            90_000,
            () => `the last totals per account to be what kafka:setup printed:\n${expectedTotals.join('\n')}\nread:\n${last.join('\n')}`,
          );
        }
      }
    }
    // A stale entry would let a renamed command run unnoticed, e.g. a benchmark in this test.
    const all = blocks.flatMap((b) => b.lines);
    for (const [start] of NOT_RUN) expect(all.some((l) => l.startsWith(start)), `NOT_RUN entry '${start}' matches no README line`).toBe(true);
    expect(ran).toBeGreaterThan(15);
    expect(readdirSync(join(repoRoot, 'output-cluster')).length).toBeGreaterThan(0);
    // print() records of `npm run example` went to its own terminal; on the cluster, to cluster start's.
    expect(cluster?.log).toContain('Local cluster: JobManager at 127.0.0.1:6123');
  }, 300_000);
});
