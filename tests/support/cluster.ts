/**
 * A real Sage cluster on loopback for tests: one JobManager process and N TaskManager processes,
 * started through the CLI and stopped (SIGTERM, then SIGKILL) when the test is done.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { Redis } from 'ioredis';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sage, startSage, waitFor, type CliResult, type ManagedProcess } from './sage-cli.js';

export interface ClusterOptions {
  readonly taskManagers: number;
  readonly slots: number;
  /** Extra JobManager settings (written to its YAML config file). */
  readonly jobManager?: Record<string, number | string>;
}

export class TestCluster {
  readonly taskManagers: ManagedProcess[] = [];

  private constructor(
    public jobManager: ManagedProcess,
    readonly address: string,
    private readonly jobManagerArgs: readonly string[],
    /** Namespaces this cluster's keys in Redis. */
    readonly clusterId: string,
    /** Where the JobManager serves GET /metrics. */
    readonly metricsPort: number,
  ) {}

  static async start(options: ClusterOptions): Promise<TestCluster> {
    const port = await freePort();
    // Tests start JobManagers in parallel: each needs a metrics port of its own, not the default 9249.
    const metricsPort = await freePort();
    const dir = mkdtempSync(join(tmpdir(), 'sage-cluster-'));
    const config = join(dir, 'jobmanager.yaml');
    // A cluster id of its own: the JobManager resumes the jobs its Redis namespace holds, and tests share one Redis.
    const settings = { heartbeatIntervalMs: 200, heartbeatTimeoutMs: 3000, metricsPort, clusterId: `test-${randomBytes(6).toString('hex')}`, ...options.jobManager };
    writeFileSync(config, Object.entries(settings).map(([k, v]) => `${k}: ${v}`).join('\n') + '\n');
    const args = ['jobmanager', '--port', String(port), '--config', config];
    const jobManager = startSage(args);
    const cluster = new TestCluster(jobManager, `127.0.0.1:${port}`, args, String(settings.clusterId), Number(settings.metricsPort));
    try {
      await jobManager.waitForLog('JobManager started');
      for (let i = 1; i <= options.taskManagers; i++) await cluster.addTaskManager(`tm-${i}`, options.slots);
    } catch (error) {
      await cluster.stop();
      throw error;
    }
    return cluster;
  }

  async addTaskManager(id: string, slots: number): Promise<ManagedProcess> {
    const tm = startSage(['taskmanager', '--jobmanager', this.address, '--slots', String(slots), '--id', id]);
    this.taskManagers.push(tm);
    await tm.waitForLog('Registered with the JobManager');
    return tm;
  }

  /** kill -9 of the JobManager, then a new one on the same port, config and Redis namespace. */
  async restartJobManager(): Promise<void> {
    this.jobManager.child.kill('SIGKILL');
    await this.jobManager.exited;
    this.jobManager = startSage(this.jobManagerArgs);
    await this.jobManager.waitForLog('JobManager started');
  }

  /** `sage <command> ... --jobmanager <this cluster>`. */
  sage(args: readonly string[], options: { cwd?: string; timeoutMs?: number } = {}): Promise<CliResult> {
    // Before `--`: what follows it belongs to the job.
    const split = args.indexOf('--');
    const own = split === -1 ? [...args] : args.slice(0, split);
    const job = split === -1 ? [] : args.slice(split);
    return sage([...own, '--jobmanager', this.address, ...job], options);
  }

  async status(jobId: string): Promise<JobStatusJson> {
    const result = await this.sage(['status', jobId, '--json']);
    if (result.code !== 0) throw new Error(`sage status failed (${result.code}): ${result.stderr}`);
    return JSON.parse(result.stdout) as JobStatusJson;
  }

  async waitForJobState(jobId: string, states: readonly string[], timeoutMs = 60_000): Promise<JobStatusJson> {
    return this.waitForStatus(jobId, `to reach ${states.join('/')}`, (s) => states.includes(s.state), timeoutMs);
  }

  /**
   * Waits until the job's status meets `condition`; `what` names the wait when it times out. S is the
   * status as the test reads it (fields beyond JobStatusJson, such as checkpoints or restarts).
   */
  async waitForStatus<S extends JobStatusJson = JobStatusJson>(jobId: string, what: string, condition: (status: S) => boolean, timeoutMs = 60_000): Promise<S> {
    let last: S | undefined;
    await waitFor(
      async () => condition((last = (await this.status(jobId)) as S)),
      timeoutMs,
      () => `job ${jobId}: ${what}; last status: ${JSON.stringify(last, null, 2)}`,
    );
    return last!;
  }

  /** The JobManager's Prometheus metrics, as text. */
  async metrics(): Promise<string> {
    const response = await fetch(`http://127.0.0.1:${this.metricsPort}/metrics`);
    if (!response.ok) throw new Error(`GET /metrics answered ${response.status}`);
    return response.text();
  }

  /** Stops every process, then deletes this cluster's keys from Redis so tests leave nothing behind. */
  async stop(): Promise<void> {
    await Promise.all(this.taskManagers.map((tm) => tm.stop()));
    await this.jobManager.stop();
    await deleteClusterKeys(this.clusterId);
  }
}

export interface JobStatusJson {
  readonly jobId: string;
  readonly name: string;
  readonly state: string;
  readonly stateTimestamps: Record<string, number>;
  readonly failure: { code: string; message: string; stack: string; location: string } | null;
  readonly tasks: readonly {
    readonly vertex: string;
    readonly subtask: number;
    readonly parallelism: number;
    readonly state: string;
    readonly taskManager: string;
    readonly recordsIn: number;
    readonly recordsOut: number;
  }[];
}

export const TEST_REDIS = process.env.SAGE_TEST_REDIS ?? 'redis://127.0.0.1:6379';

/** Deletes every `sage:<clusterId>:*` key (SCAN + UNLINK: never KEYS on a shared Redis). */
export async function deleteClusterKeys(clusterId: string): Promise<void> {
  const redis = new Redis(TEST_REDIS);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `sage:${clusterId.replace(/[*?[\]\\]/g, '\\$&')}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    await redis.quit();
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}
