/**
 * A JobManager and TaskManagers as processes on loopback, started through the `sage` CLI with a YAML
 * config, for benchmarks that kill one of them. Each process's log is watched for the line that says
 * it is up; stopping sends SIGTERM, then SIGKILL after a grace period.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const sageBin = fileURLToPath(import.meta.resolve('@sage/cli').replace(/index\.js$/, 'bin.js'));
/** Enough of a process's log to find the line waited for, without keeping all of it. */
const LOG_TAIL = 64 * 1024;

export class SageProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<void>;
  private log = '';
  private readonly waiters: { text: string; resolve: () => void }[] = [];

  constructor(
    readonly name: string,
    args: readonly string[],
  ) {
    const child = spawn(process.execPath, [sageBin, ...args], { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, FORCE_COLOR: '0' } });
    this.child = child;
    child.stderr!.on('data', (chunk: Buffer) => {
      this.log = (this.log + chunk.toString()).slice(-LOG_TAIL);
      for (const waiter of [...this.waiters]) {
        if (this.log.includes(waiter.text)) {
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          waiter.resolve();
        }
      }
    });
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Resolves once the process's log (stderr) shows `text`; fails if it exits or `timeoutMs` passes first. */
  waitForLog(text: string, timeoutMs = 30_000): Promise<void> {
    if (this.log.includes(text)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.name} did not log '${text}' within ${timeoutMs} ms; its log ends:\n${this.log.slice(-2000)}`)), timeoutMs);
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      this.waiters.push({ text, resolve: done });
      void this.exited.then(() => {
        clearTimeout(timer);
        reject(new Error(`${this.name} exited before logging '${text}'; its log ends:\n${this.log.slice(-2000)}`));
      });
    });
  }

  kill9(): void {
    this.child.kill('SIGKILL');
  }

  async stop(graceMs = 10_000): Promise<void> {
    if (!this.running) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}

export class ClusterProcesses {
  readonly taskManagers: SageProcess[] = [];

  private constructor(
    readonly jobManager: SageProcess,
    readonly address: string,
    private readonly configDir: string,
  ) {}

  /** A JobManager with `settings` in its YAML config (clusterId, redis, heartbeatTimeoutMs, …) and TaskManagers `tm-1`…`tm-n`. */
  static async start(settings: Record<string, string | number>, taskManagers: number, slots: number): Promise<ClusterProcesses> {
    const port = await freePort();
    const configDir = mkdtempSync(join(tmpdir(), 'sage-bench-'));
    const config = join(configDir, 'jobmanager.yaml');
    writeFileSync(config, Object.entries(settings).map(([k, v]) => `${k}: ${v}`).join('\n') + '\n');
    const jobManager = new SageProcess('JobManager', ['jobmanager', '--port', String(port), '--metrics-port', '0', '--config', config]);
    const cluster = new ClusterProcesses(jobManager, `127.0.0.1:${port}`, configDir);
    try {
      await jobManager.waitForLog('JobManager started');
      for (let i = 1; i <= taskManagers; i++) {
        const tm = new SageProcess(`TaskManager tm-${i}`, ['taskmanager', '--jobmanager', cluster.address, '--slots', String(slots), '--id', `tm-${i}`]);
        cluster.taskManagers.push(tm);
        await tm.waitForLog('Registered with the JobManager');
      }
    } catch (error) {
      await cluster.stop();
      throw error;
    }
    return cluster;
  }

  taskManager(id: string): SageProcess | undefined {
    return this.taskManagers.find((tm) => tm.name === `TaskManager ${id}`);
  }

  async stop(): Promise<void> {
    await Promise.all(this.taskManagers.map((tm) => tm.stop()));
    await this.jobManager.stop();
    rmSync(this.configDir, { recursive: true, force: true });
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}
