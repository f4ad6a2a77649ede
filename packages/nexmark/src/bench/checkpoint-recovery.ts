/**
 * Recovery after a kill (issue 4, point 10): a checkpointed keyed job at p=2 on a real cluster (a
 * JobManager and two TaskManager processes with two slots each, checkpoints in Redis). Once it has
 * completed two checkpoints, the TaskManager running most of its tasks gets SIGKILL; the benchmark
 * follows the job through the JobManager's GetJob RPC and takes the times from the JobManager's own
 * state timestamps: when it noticed (RESTARTING), when every task of the new attempt was RUNNING, and
 * when the first checkpoint triggered after the kill completed. The job then runs to its end, so its
 * records/s include the failover.
 */
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { JobClient, planJobFile, type PlannedJob } from '@sage/cli';
import type { Benchmark, Figure } from './benchmark.js';
import { ClusterProcesses } from './cluster-processes.js';
import { BENCH_REDIS, BenchRedisNamespace } from './redis-namespace.js';

const jobFile = fileURLToPath(new URL('../../src/bench/jobs/checkpointed-keyed-reduce.ts', import.meta.url));
const POLL_MS = 25;

type JobDetails = Awaited<ReturnType<JobClient['get']>>;

export interface RecoverySettings {
  /** Records of the job, and the rate its source is capped at (so the kill lands mid-job). */
  readonly records: number;
  readonly recordsPerSecond: number;
  readonly keys: number;
  readonly heartbeatIntervalMs: number;
  readonly heartbeatTimeoutMs: number;
}

/** The JobManager's defaults for heartbeats. */
const DEFAULTS: RecoverySettings = { records: 12_000_000, recordsPerSecond: 1_000_000, keys: 100_000, heartbeatIntervalMs: 1_000, heartbeatTimeoutMs: 10_000 };

interface Recovery {
  readonly killedTaskManager: string;
  readonly tasksOnIt: number;
  readonly noticedMs: number;
  readonly runningMs: number;
  readonly checkpointMs: number;
  readonly restarts: number;
  readonly restoredStateBytes: number;
}

export function checkpointRecovery(settings: Partial<RecoverySettings> = {}): Benchmark {
  const s = { ...DEFAULTS, ...settings };
  const namespace = new BenchRedisNamespace('recovery');
  const jobIds: string[] = [];
  let cluster: ClusterProcesses | undefined;
  let client: JobClient | undefined;
  let job: PlannedJob | undefined;
  let recovery: Recovery | undefined;
  return {
    name: 'checkpoint/recovery-tm-kill',
    description:
      `keyBy -> reduce over ${s.keys / 1000}k keys, p=2, ${s.records / 1e6} M records at ${s.recordsPerSecond / 1e6} M/s, checkpoints every 1 s to Redis, ` +
      `on a JobManager and 2 TaskManager processes × 2 slots; kill -9 of a TaskManager after 2 checkpoints ` +
      `(heartbeatIntervalMs ${s.heartbeatIntervalMs}, heartbeatTimeoutMs ${s.heartbeatTimeoutMs}, restart delay 1 s; one run)`,
    warmups: 0,
    runs: 1,
    async setUp() {
      const config = {
        clusterId: namespace.clusterId,
        redis: BENCH_REDIS,
        heartbeatIntervalMs: s.heartbeatIntervalMs,
        heartbeatTimeoutMs: s.heartbeatTimeoutMs,
        logLevel: 'info',
      };
      cluster = await ClusterProcesses.start(config, 2, 2);
      client = new JobClient(cluster.address);
      job = await planJobFile(jobFile, [String(s.records), String(s.recordsPerSecond), String(s.keys)], { parallelism: 2 });
    },
    async run() {
      const started = performance.now();
      const jobId = await client!.submit({
        jobGraph: job!.jobGraph,
        artifact: job!.artifact.content,
        artifactHash: job!.artifact.hash,
        args: job!.args,
        defaultParallelism: 2,
        maxParallelism: job!.maxParallelism,
      });
      jobIds.push(jobId);
      const before = await poll(client!, jobId, (d) => d.summary?.state === 'RUNNING' && allRunning(d) && Number(d.checkpointsCompleted) >= 2, 60_000, 'two completed checkpoints');
      recovery = await killAndRecover(cluster!, client!, jobId, before);
      const end = await poll(client!, jobId, (d) => ['FINISHED', 'FAILED', 'CANCELED'].includes(String(d.summary?.state)), 120_000, 'the job to end');
      if (end.summary?.state !== 'FINISHED') throw new Error(`Recovery benchmark job ${String(end.summary?.state)}: ${end.failure?.message}`);
      return { records: s.records, millis: performance.now() - started };
    },
    async tearDown() {
      client?.close();
      await cluster?.stop();
      await namespace.clear(jobIds);
    },
    figures(): Figure[] {
      if (recovery === undefined) return [];
      return [
        { name: `tasks on the killed TaskManager (${recovery.killedTaskManager})`, value: recovery.tasksOnIt, unit: '' },
        { name: 'kill -> job RESTARTING (failure noticed)', value: recovery.noticedMs, unit: 'ms' },
        { name: 'kill -> every task of the new attempt RUNNING', value: recovery.runningMs, unit: 'ms' },
        { name: 'kill -> first checkpoint after the restart completed', value: recovery.checkpointMs, unit: 'ms' },
        { name: 'restarts', value: recovery.restarts, unit: '' },
        { name: 'state of the last checkpoint before the kill', value: recovery.restoredStateBytes / 1e6, unit: 'MB' },
      ];
    },
  };
}

async function killAndRecover(cluster: ClusterProcesses, client: JobClient, jobId: string, before: JobDetails): Promise<Recovery> {
  const tasksPerTaskManager = new Map<string, number>();
  for (const task of before.tasks) tasksPerTaskManager.set(task.taskManagerId, (tasksPerTaskManager.get(task.taskManagerId) ?? 0) + 1);
  const [victim, tasksOnIt] = [...tasksPerTaskManager].sort((a, b) => b[1] - a[1])[0]!;
  const victimProcess = cluster.taskManager(victim);
  if (victimProcess === undefined) throw new Error(`The job runs on TaskManager ${victim}, which this benchmark did not start`);
  const attemptBefore = before.attempt;
  const killedAt = Date.now();
  victimProcess.kill9();

  let noticedAt = NaN;
  const noticed = (d: JobDetails) => {
    const restarting = Number(d.stateTimestamps['RESTARTING'] ?? 0);
    if (Number.isNaN(noticedAt) && restarting >= killedAt) noticedAt = restarting;
    return d.attempt > attemptBefore;
  };
  const recovered = await poll(client, jobId, (d) => noticed(d) && d.summary?.state === 'RUNNING' && allRunning(d), 120_000, 'every task of a new attempt to run');
  const runningAt = Math.max(...recovered.tasks.map((t) => Number(t.stateTimestamps['RUNNING'] ?? 0)));
  const checkpointed = await poll(client, jobId, (d) => Number(d.lastCheckpoint?.timestamp ?? 0) > killedAt, 60_000, 'a checkpoint after the restart');
  const last = checkpointed.lastCheckpoint!;
  return {
    killedTaskManager: victim,
    tasksOnIt,
    noticedMs: noticedAt - killedAt,
    runningMs: runningAt - killedAt,
    checkpointMs: Number(last.timestamp) + Number(last.durationMs) - killedAt,
    restarts: checkpointed.restarts,
    restoredStateBytes: Number(before.lastCheckpoint?.stateSize ?? 0),
  };
}

function allRunning(details: JobDetails): boolean {
  return details.tasks.length > 0 && details.tasks.every((t) => String(t.state) === 'RUNNING');
}

async function poll(client: JobClient, jobId: string, until: (d: JobDetails) => boolean, timeoutMs: number, what: string): Promise<JobDetails> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const details = await client.get(jobId);
    if (until(details)) return details;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}; job ${jobId} is ${String(details.summary?.state)}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
