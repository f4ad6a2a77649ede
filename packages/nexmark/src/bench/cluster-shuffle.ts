/**
 * The network shuffle: the keyed job at p=2 on real JobManager and TaskManager processes, either
 * two TaskManagers with one slot each (every record crosses processes with probability 1/2) or one
 * TaskManager with two slots (all channels in-process). Timed by the JobManager, from accepting the
 * job to FINISHED.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { JobClient, planJobFile, type PlannedJob } from '@sage/cli';
import type { Benchmark } from './benchmark.js';

const sageBin = fileURLToPath(import.meta.resolve('@sage/cli').replace(/index\.js$/, 'bin.js'));
const jobFile = fileURLToPath(new URL('../../src/bench/jobs/keyed-reduce.ts', import.meta.url));

export function clusterShuffle(taskManagers: number, slots: number, records = 20_000_000): Benchmark {
  let processes: ChildProcess[] = [];
  let client: JobClient | undefined;
  let job: PlannedJob | undefined;
  return {
    name: `cluster/keyed-reduce-${taskManagers}tm-x${slots}`,
    description: `fromSequence -> keyBy -> reduce -> discard, p=2 on ${taskManagers} TaskManager process${taskManagers > 1 ? 'es' : ''} with ${slots} slot${slots > 1 ? 's' : ''}`,
    goalRecordsPerSecond: taskManagers > 1 ? 1_000_000 : undefined,
    // A fresh TaskManager's first jobs run while V8 still re-optimises the task loop for each new
    // job's functions; two warm-ups and five runs keep that out of the median.
    warmups: 2,
    runs: 5,
    async setUp() {
      const port = await freePort();
      const address = `127.0.0.1:${port}`;
      processes = [spawn(process.execPath, [sageBin, 'jobmanager', '--port', String(port), '--metrics-port', '0', '--log-level', 'warn'], { stdio: 'inherit' })];
      client = new JobClient(address);
      await waitForJobManager(client);
      for (let i = 0; i < taskManagers; i++) {
        processes.push(
          spawn(process.execPath, [sageBin, 'taskmanager', '--jobmanager', address, '--slots', String(slots), '--id', `bench-tm-${i}`, '--log-level', 'warn'], { stdio: 'inherit' }),
        );
      }
      job = await planJobFile(jobFile, [String(records)], { parallelism: 2 });
      await waitForSlots(client, job);
    },
    async run() {
      const jobId = await client!.submit({
        jobGraph: job!.jobGraph,
        artifact: job!.artifact.content,
        artifactHash: job!.artifact.hash,
        args: job!.args,
        defaultParallelism: 2,
        maxParallelism: job!.maxParallelism,
      });
      // Timed by the JobManager's clock, from accepting the job to its end, so this process need not
      // poll often: polling every 20 ms cost the JobManager and this process ~10% of a core, which on a
      // two-core machine the two-TaskManager run pays out of the TaskManagers' time.
      const details = await client!.follow(jobId, () => {}, 200);
      const summary = details.summary!;
      if (summary.state !== 'FINISHED') throw new Error(`Benchmark job ${summary.state}: ${details.failure?.message}`);
      return { records, millis: Number(summary.endedAt) - Number(summary.submittedAt) };
    },
    async tearDown() {
      client?.close();
      await Promise.all(
        processes.map(
          (p) =>
            new Promise<void>((resolve) => {
              if (p.exitCode !== null) return resolve();
              p.once('exit', () => resolve());
              p.kill('SIGTERM');
            }),
        ),
      );
    },
  };
}

async function waitForJobManager(client: JobClient): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      await client.list();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** Submits tiny jobs until one finishes: the TaskManagers have registered and warmed their caches. */
async function waitForSlots(client: JobClient, job: PlannedJob): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      const jobId = await client.submit({ jobGraph: job.jobGraph, artifact: job.artifact.content, artifactHash: job.artifact.hash, args: job.args, defaultParallelism: 2, maxParallelism: job.maxParallelism });
      const details = await client.follow(jobId, () => {}, 50);
      if (details.summary!.state === 'FINISHED') return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    }
    if (Date.now() > deadline) throw new Error('The benchmark cluster did not start within 30 s');
    await new Promise((resolve) => setTimeout(resolve, 200));
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
