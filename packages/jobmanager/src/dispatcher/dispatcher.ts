/**
 * The Dispatcher accepts jobs: it checks a submission, stores its graph and artifact in the job store
 * (Redis), and starts a JobMaster for it. It answers job queries and cancellations by JobID. At start
 * it takes back the jobs a previous JobManager left running; they resume from their latest checkpoints.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { JobGraphDescriptor } from '@sage/core';
import { checkRestoreCompatibility, type CheckpointStorage, type CompletedCheckpoint } from '@sage/runtime';
import type { RedisJobStore, StoredJob } from '@sage/checkpoint-redis';
import type { JobSpec__Output, SubmitJobRequest__Output } from '@sage/rpc';
import type { Logger } from '@sage/observability';
import { JobMaster } from '../jobmaster/job-master.js';
import type { JobManagerMetrics } from '../metrics/job-manager-metrics.js';
import type { ResourceManager } from '../resourcemanager/resource-manager.js';

export class InvalidSubmission extends Error {
  readonly code = 'InvalidSubmission';
}

export class UnknownJob extends Error {
  readonly code = 'UnknownJob';
  constructor(jobId: string) {
    super(`No job ${jobId} on this JobManager: list jobs with 'sage list'`);
  }
}

export interface DispatcherOptions {
  readonly slotWaitTimeoutMs: number;
  readonly store: RedisJobStore;
  readonly checkpointStorage: CheckpointStorage;
  readonly checkpointDefaults: { readonly timeoutMs: number; readonly retained: number; readonly tolerableFailures: number };
  /** How long an ended job, its record, artifact and checkpoints are kept. */
  readonly completedJobRetentionMs: number;
  readonly metrics: JobManagerMetrics;
}

export class Dispatcher {
  private readonly jobs = new Map<string, JobMaster>();
  /** Artifacts by hash, as submitted or loaded from the store; TaskManagers fetch them from here. */
  private readonly artifacts = new Map<string, Buffer>();

  constructor(
    private readonly resources: ResourceManager,
    private readonly log: Logger,
    private readonly options: DispatcherOptions,
  ) {
    resources.on('taskManagerLost', (tm, reason) => {
      for (const job of this.jobs.values()) job.onTaskManagerLost(tm, reason);
    });
  }

  async submit(request: SubmitJobRequest__Output): Promise<string> {
    const spec = request.spec;
    if (!spec) throw new InvalidSubmission('The submission has no job spec');
    const hash = createHash('sha256').update(request.artifact).digest('hex');
    if (hash !== spec.artifactHash) {
      throw new InvalidSubmission(`The job artifact hashes to ${hash}, not ${spec.artifactHash} as declared: resubmit the job`);
    }
    const graph = parseGraph(spec);
    const restoreFrom = request.fromSavepoint ? await this.savepoint(request.fromSavepoint) : undefined;
    if (restoreFrom) {
      try {
        checkRestoreCompatibility(restoreFrom, graph, request.allowNonRestoredState);
      } catch (error) {
        throw new InvalidSubmission((error as Error).message);
      }
    }
    const jobId = randomBytes(16).toString('hex');
    const stored: StoredJob = {
      jobId,
      spec,
      submittedAt: Date.now(),
      attempt: 0,
      ...(request.fromSavepoint ? { fromSavepoint: request.fromSavepoint, allowNonRestoredState: request.allowNonRestoredState } : {}),
    };
    await this.options.store.putArtifact(hash, request.artifact);
    await this.options.store.putJob(stored);
    this.artifacts.set(hash, request.artifact);
    this.startJob(stored, graph, restoreFrom, false);
    return jobId;
  }

  /** Takes back every job the store holds as not ended: each resumes from its latest checkpoint. */
  async recover(): Promise<number> {
    const entries = await this.options.store.jobs((key, problem) => this.log.warn({ key, problem }, `Skipping job record ${key}: ${problem}`));
    const stored = entries.filter((entry) => entry.job.endState === undefined).map((entry) => entry.job);
    for (const job of stored) {
      const spec = job.spec as JobSpec__Output;
      try {
        const artifact = await this.options.store.artifact(spec.artifactHash);
        if (artifact === undefined) throw new Error(`its artifact ${spec.artifactHash} is missing from Redis`);
        await this.options.store.keepArtifact(spec.artifactHash);
        this.artifacts.set(spec.artifactHash, artifact);
        const restoreFrom = job.fromSavepoint ? await this.savepoint(job.fromSavepoint) : undefined;
        this.log.info({ job: job.jobId, jobName: spec.jobName, attempt: job.attempt }, 'Recovering job from the job store');
        this.startJob({ ...job, attempt: job.attempt + 1 }, parseGraph(spec), restoreFrom, true);
      } catch (error) {
        this.log.error({ job: job.jobId, err: error }, `Cannot recover job ${job.jobId}; marking it FAILED`);
        await this.expireEndedJob({ ...job, endState: 'FAILED' });
      }
    }
    // Jobs that ended while a JobManager died before setting their expiry.
    for (const entry of entries) if (entry.job.endState !== undefined && !entry.expiring) await this.expireEndedJob(entry.job);
    return stored.length;
  }

  job(jobId: string): JobMaster {
    const job = this.jobs.get(jobId);
    if (!job) throw new UnknownJob(jobId);
    return job;
  }

  /** Jobs by submission time, newest first. */
  list(): JobMaster[] {
    return [...this.jobs.values()].sort((a, b) => b.submittedAt - a.submittedAt);
  }

  artifact(hash: string): Buffer | undefined {
    return this.artifacts.get(hash);
  }

  /** Stops every running job's tasks without ending the jobs: a restarted JobManager resumes them. */
  async suspendAll(): Promise<void> {
    await Promise.all([...this.jobs.values()].map((job) => job.suspend()));
  }

  private startJob(stored: StoredJob, graph: JobGraphDescriptor, restoreFrom: CompletedCheckpoint | undefined, recovered: boolean): void {
    const spec = stored.spec as JobSpec__Output;
    const store = this.options.store;
    let record = stored;
    const save = (next: StoredJob) => {
      record = next;
      store.putJob(next).catch((error: Error) => this.log.error({ job: stored.jobId, err: error }, 'Could not update the job in the job store'));
    };
    const job = new JobMaster(stored.jobId, spec, graph, stored.submittedAt, this.resources, this.log, {
      slotWaitTimeoutMs: this.options.slotWaitTimeoutMs,
      checkpointStorage: this.options.checkpointStorage,
      checkpointDefaults: this.options.checkpointDefaults,
      firstAttempt: stored.attempt,
      restoreFrom,
      onAttempt: (attempt) => save({ ...record, attempt }),
      onEnd: (state) => {
        record = { ...record, endState: state };
        const expire = () => this.expireEndedJob(record);
        void job.quiesced().then(expire, expire);
      },
      metrics: this.options.metrics.forJob(stored.jobId, spec.jobName),
    });
    this.jobs.set(stored.jobId, job);
    job.start(recovered);
  }

  /**
   * An ended job is kept for completedJobRetentionMs: its status here, and in Redis its record, retained
   * checkpoints (savepoints for good) and, unless a running job shares it, its artifact. Then it goes.
   */
  private async expireEndedJob(record: StoredJob): Promise<void> {
    const retentionMs = this.options.completedJobRetentionMs;
    const hash = (record.spec as JobSpec__Output).artifactHash;
    try {
      await this.options.store.putEndedJob(record, retentionMs);
      await this.options.checkpointStorage.expireJob?.(record.jobId, retentionMs);
      const shared = [...this.jobs.values()].some((j) => !j.isTerminal && j.spec.artifactHash === hash);
      if (!shared) await this.options.store.expireArtifact(hash, retentionMs);
    } catch (error) {
      this.log.error({ job: record.jobId, err: error }, `Could not set the expiry of ended job ${record.jobId} in Redis; its keys stay until a JobManager starts again`);
    }
    const job = this.jobs.get(record.jobId);
    if (job === undefined) return;
    setTimeout(() => {
      this.jobs.delete(record.jobId);
      this.options.metrics.forget(record.jobId, job.spec.jobName);
    }, retentionMs).unref();
  }

  /** A savepoint by the id `sage savepoint` printed: `<job id>/<checkpoint id>`. */
  private async savepoint(id: string): Promise<CompletedCheckpoint> {
    const match = /^([0-9a-f]+)\/(\d+)$/.exec(id);
    if (!match) throw new InvalidSubmission(`'${id}' is not a savepoint id: use the id 'sage savepoint' or 'sage stop' printed, <job id>/<checkpoint id>`);
    const [, jobId, checkpointId] = match;
    const unreadable = new Map<number, string>();
    const checkpoints = await this.options.checkpointStorage.listCheckpoints(jobId!, (entry) => unreadable.set(entry.checkpointId, entry.problem));
    const found = checkpoints.find((c) => c.checkpointId === Number(checkpointId));
    const problem = unreadable.get(Number(checkpointId));
    if (problem !== undefined) throw new InvalidSubmission(`Savepoint ${id} cannot be restored: ${problem} — resume from another savepoint or checkpoint of job ${jobId}`);
    if (!found) {
      throw new InvalidSubmission(
        `Savepoint ${id} does not exist in this cluster's checkpoint storage${checkpoints.length ? ` (job ${jobId} has ${checkpoints.map((c) => c.checkpointId).join(', ')})` : ''}`,
      );
    }
    return found;
  }
}

function parseGraph(spec: JobSpec__Output): JobGraphDescriptor {
  let graph: JobGraphDescriptor;
  try {
    graph = JSON.parse(spec.jobGraphJson) as JobGraphDescriptor;
  } catch (error) {
    throw new InvalidSubmission(`The job graph is not valid JSON: ${(error as Error).message}`);
  }
  if (!Array.isArray(graph.vertices) || graph.vertices.length === 0 || !Array.isArray(graph.edges)) {
    throw new InvalidSubmission('The job graph has no vertices: plan the job with `sage run`');
  }
  if (graph.fingerprint !== spec.fingerprint) {
    throw new InvalidSubmission(`The job graph's fingerprint ${graph.fingerprint} differs from the declared ${spec.fingerprint}`);
  }
  return graph;
}
