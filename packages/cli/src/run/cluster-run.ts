/**
 * `sage run --jobmanager HOST:PORT`: submit the job, then follow it to its end unless detached. A job
 * that fails and restarts (RESTARTING, then RUNNING again) is followed through its restarts.
 */
import { describeSlotWait, JobClient, slotWait, TERMINAL_JOB_STATES } from '../cluster/job-client.js';
import { describeException, exceptionJson, exceptionKey } from '../cluster/job-exceptions.js';
import { sageCommand } from '../invocation.js';
import { edgeVertices, type PlannedJob } from './plan.js';
import { ProgressLine, type ProgressSample } from './progress.js';
import { printFailure, printSummary } from './summary.js';

export interface ClusterRunOptions {
  /** Print the JobID and return at once. */
  readonly detached: boolean;
  /** A savepoint id to restore the job's state from. */
  readonly fromSavepoint?: string;
  readonly allowNonRestoredState?: boolean;
}

export async function runOnCluster(job: PlannedJob, address: string, options: ClusterRunOptions): Promise<number> {
  const client = new JobClient(address);
  try {
    const jobId = await client.submit({
      jobGraph: job.jobGraph,
      artifact: job.artifact.content,
      artifactHash: job.artifact.hash,
      args: job.args,
      defaultParallelism: job.parallelism,
      maxParallelism: job.maxParallelism,
      fromSavepoint: options.fromSavepoint,
      allowNonRestoredState: options.allowNonRestoredState,
    });
    if (options.detached) {
      // The JobID alone on stdout, for JOB=$(sage run … --detached).
      process.stdout.write(`${jobId}\n`);
      process.stderr.write(`Job ${job.jobGraph.name} submitted: ${jobId}\n`);
      return 0;
    }
    process.stdout.write(`Job ${job.jobGraph.name} submitted: ${jobId}\n`);

    const { sources, sinks } = edgeVertices(job.jobGraph);
    let sample: ProgressSample = { state: 'CREATED', recordsIn: 0, recordsOut: 0 };
    const progress = new ProgressLine(() => sample);
    let interrupted = false;
    const interrupt = () => {
      interrupted = true;
    };
    process.once('SIGINT', interrupt);
    progress.start();
    // Each restart and each skipped checkpoint once, as it happens, terminal or not: a job that fails on
    // every attempt must not restart in silence. On stderr, so stdout stays the job's own.
    const reported = new Set<string>();
    const reportExceptions = () => {
      const fresh = (details.exceptions ?? []).map(exceptionJson).filter((e) => e.outcome !== 'failed' && !reported.has(exceptionKey(e)));
      for (const entry of fresh.reverse()) {
        reported.add(exceptionKey(entry));
        progress.print(`Job ${job.jobGraph.name}: ${describeException(entry)}\n`);
      }
    };
    let details = await client.get(jobId);
    // One line per wait for slots, terminal or not: a job that waits must not look hung.
    let reportedWait = 0;
    const reportSlotWait = () => {
      const wait = slotWait(details);
      if (wait === null || wait.since === reportedWait) return;
      reportedWait = wait.since;
      progress.print(`${describeSlotWait(wait, address)}\n`);
    };
    reportSlotWait();
    reportExceptions();
    while (!TERMINAL_JOB_STATES.has(String(details.summary!.state)) && !interrupted) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      details = await client.get(jobId);
      reportSlotWait();
      reportExceptions();
      sample = {
        state: details.restarts > 0 ? `${String(details.summary!.state)} (restarts: ${details.restarts})` : String(details.summary!.state),
        recordsIn: details.tasks.filter((t) => sources.has(t.vertexId)).reduce((n, t) => n + Number(t.recordsIn), 0),
        recordsOut: details.tasks.filter((t) => sinks.has(t.vertexId)).reduce((n, t) => n + Number(t.recordsOut), 0),
      };
    }
    progress.stop();
    process.off('SIGINT', interrupt);
    if (interrupted) {
      process.stderr.write(`Stopped following job ${jobId}; it keeps running. Cancel it with: ${sageCommand()} cancel ${jobId} --jobmanager ${address}\n`);
      return 130;
    }
    const summary = details.summary!;
    // By vertex id: two vertices may share a name (two `Map -> Sink: Discard` branches).
    const byVertex = new Map<number, { name: string; parallelism: number; recordsIn: number; recordsOut: number }>();
    for (const task of details.tasks) {
      const line = byVertex.get(task.vertexId) ?? { name: task.vertexName, parallelism: task.parallelism, recordsIn: 0, recordsOut: 0 };
      line.recordsIn += Number(task.recordsIn);
      line.recordsOut += Number(task.recordsOut);
      byVertex.set(task.vertexId, line);
    }
    printSummary(summary.jobName, String(summary.state), Number(summary.endedAt) - Number(summary.submittedAt), [...byVertex.values()]);
    if (details.restarts > 0) process.stderr.write(`Restarted ${details.restarts} time${details.restarts === 1 ? '' : 's'}\n`);
    if (summary.state === 'FINISHED') return 0;
    if (details.failure) printFailure(details.failure.location, details.failure.stack || `${details.failure.code}: ${details.failure.message}`);
    return 1;
  } finally {
    client.close();
  }
}
