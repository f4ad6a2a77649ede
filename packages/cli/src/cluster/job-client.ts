/**
 * The client side of a cluster: submit a planned job with its artifact, follow it, list, inspect,
 * savepoint and cancel jobs. Every call names the JobManager it could not reach.
 */
import { sageCommand } from '../invocation.js';
import type { JobGraph } from '@sage/core';
import { exceptionJson } from './job-exceptions.js';
import { call, createJobManagerClient, type JobDetails__Output, type JobManagerClient, type JobSummary__Output } from '@sage/rpc';

export const DEFAULT_JOBMANAGER = process.env.SAGE_JOBMANAGER ?? '127.0.0.1:6123';

export interface Submission {
  readonly jobGraph: JobGraph;
  readonly artifact: Uint8Array;
  readonly artifactHash: string;
  readonly args: readonly string[];
  readonly defaultParallelism: number;
  readonly maxParallelism: number;
  /** A savepoint id (`<job id>/<checkpoint id>`) to restore the job's state from. */
  readonly fromSavepoint?: string;
  /** Start even if the savepoint has state for operator uids the job no longer has. */
  readonly allowNonRestoredState?: boolean;
}

export type SavepointResponse = Awaited<ReturnType<typeof call<JobManagerClient, 'TriggerSavepoint'>>>;

export const TERMINAL_JOB_STATES: ReadonlySet<string> = new Set(['FINISHED', 'FAILED', 'CANCELED']);

export class JobClient {
  private readonly client: JobManagerClient;

  constructor(readonly address: string) {
    this.client = createJobManagerClient(address);
  }

  async submit(submission: Submission): Promise<string> {
    const { jobGraph } = submission;
    const response = await call(
      this.client,
      'SubmitJob',
      {
        spec: {
          jobName: jobGraph.name,
          artifactHash: submission.artifactHash,
          args: [...submission.args],
          defaultParallelism: submission.defaultParallelism,
          maxParallelism: submission.maxParallelism,
          fingerprint: jobGraph.fingerprint,
          jobGraphJson: JSON.stringify(jobGraph.descriptor),
        },
        artifact: submission.artifact,
        fromSavepoint: submission.fromSavepoint ?? '',
        allowNonRestoredState: submission.allowNonRestoredState ?? false,
      },
      { timeoutMs: 60_000 },
    );
    return response.jobId;
  }

  list(): Promise<JobSummary__Output[]> {
    return call(this.client, 'ListJobs', {}).then((r) => r.jobs);
  }

  get(jobId: string): Promise<JobDetails__Output> {
    return call(this.client, 'GetJob', { jobId });
  }

  async cancel(jobId: string): Promise<string> {
    return String((await call(this.client, 'CancelJob', { jobId })).state);
  }

  /**
   * Takes a savepoint of a running job and, with `stop`, stops the job once it is complete. Resolves
   * only when the savepoint is complete, which can take as long as the job's slowest task needs to
   * reach the barrier: hence a deadline of its own.
   */
  triggerSavepoint(jobId: string, stop: boolean, timeoutMs: number): Promise<SavepointResponse> {
    return call(this.client, 'TriggerSavepoint', { jobId, stop }, { timeoutMs });
  }

  /** Polls the job until it ends, reporting each status; resolves with the final one. */
  async follow(jobId: string, onStatus: (details: JobDetails__Output) => void, intervalMs = 250): Promise<JobDetails__Output> {
    for (;;) {
      const details = await this.get(jobId);
      onStatus(details);
      if (TERMINAL_JOB_STATES.has(String(details.summary?.state))) return details;
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }

  close(): void {
    this.client.close();
  }
}

/** Runs `use` with a client of the JobManager at `address`, closing the client after. */
export async function withJobClient<T>(address: string | undefined, use: (client: JobClient) => Promise<T>): Promise<T> {
  const client = new JobClient(address ?? DEFAULT_JOBMANAGER);
  try {
    return await use(client);
  } finally {
    client.close();
  }
}

/** The status of a job as `sage status --json` prints it. */
export function jobStatusJson(details: JobDetails__Output) {
  const summary = details.summary!;
  return {
    jobId: summary.jobId,
    name: summary.jobName,
    state: String(summary.state),
    attempt: details.attempt,
    submittedAt: Number(summary.submittedAt),
    endedAt: Number(summary.endedAt) || null,
    stateTimestamps: numbers(details.stateTimestamps),
    /** The cause of a FAILED job only; what restarted it is in `exceptions`. */
    failure: details.failure ?? null,
    restarts: details.restarts,
    /** Damaged checkpoints restores passed over (output committed after the restored one may repeat). */
    restoreFallbacks: details.restoreFallbacks ?? 0,
    /** Newest first, capped by the JobManager: each failed attempt and each skipped checkpoint. */
    exceptions: (details.exceptions ?? []).map(exceptionJson),
    checkpoints: {
      completed: Number(details.checkpointsCompleted),
      failed: Number(details.checkpointsFailed),
      last: lastCheckpoint(details),
    },
    restoredCheckpointId: Number(details.restoredCheckpointId) || null,
    waitingForSlots: slotWait(details),
    tasks: details.tasks.map((t) => ({
      vertex: t.vertexName,
      vertexId: t.vertexId,
      subtask: t.subtaskIndex,
      parallelism: t.parallelism,
      state: String(t.state),
      taskManager: t.taskManagerId || null,
      recordsIn: Number(t.recordsIn),
      recordsOut: Number(t.recordsOut),
      stateTimestamps: numbers(t.stateTimestamps),
      failure: t.failure ?? null,
    })),
  };
}

/** What a job waiting for slots needs and what the cluster has; null when it is not waiting. */
export function slotWait(details: JobDetails__Output) {
  const wait = details.waitingForSlots;
  if (!wait) return null;
  return { needed: wait.needed, free: wait.free, total: wait.total, taskManagers: wait.taskManagers, since: Number(wait.since) };
}

/** One line for people: what the job waits for, and how to give it that. */
export function describeSlotWait(wait: NonNullable<ReturnType<typeof slotWait>>, jobManager: string): string {
  const tms = `${wait.taskManagers} TaskManager${wait.taskManagers === 1 ? '' : 's'}`;
  return (
    `Waiting for slots: the job needs ${wait.needed}, the cluster has ${wait.free} free (${wait.total} in all on ${tms}); ` +
    `start a TaskManager with: ${sageCommand()} taskmanager --jobmanager ${jobManager} --slots ${Math.max(1, wait.needed - wait.free)}`
  );
}

function lastCheckpoint(details: JobDetails__Output) {
  const last = details.lastCheckpoint;
  if (!last || !Number(last.checkpointId)) return null;
  return {
    id: Number(last.checkpointId),
    timestamp: Number(last.timestamp),
    durationMs: Number(last.durationMs),
    stateSize: Number(last.stateSize),
    savepoint: last.savepoint,
  };
}

function numbers(map: Record<string, number | string>): Record<string, number> {
  return Object.fromEntries(Object.entries(map).map(([k, v]) => [k, Number(v)]));
}
