/**
 * The Dispatcher accepts jobs: it checks a submission, keeps its artifact for the TaskManagers to
 * fetch, and starts a JobMaster for it. It answers job queries and cancellations by JobID.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { JobGraphDescriptor } from '@sage/core';
import type { SubmitJobRequest__Output } from '@sage/rpc';
import type { Logger } from '@sage/observability';
import { JobMaster } from '../jobmaster/job-master.js';
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

export class Dispatcher {
  private readonly jobs = new Map<string, JobMaster>();
  private readonly artifacts = new Map<string, Buffer>();

  constructor(
    private readonly resources: ResourceManager,
    private readonly log: Logger,
    private readonly slotWaitTimeoutMs: number,
  ) {
    resources.on('taskManagerLost', (tm, reason) => {
      for (const job of this.jobs.values()) job.onTaskManagerLost(tm, reason);
    });
  }

  submit(request: SubmitJobRequest__Output): string {
    const spec = request.spec;
    if (!spec) throw new InvalidSubmission('The submission has no job spec');
    const hash = createHash('sha256').update(request.artifact).digest('hex');
    if (hash !== spec.artifactHash) {
      throw new InvalidSubmission(`The job artifact hashes to ${hash}, not ${spec.artifactHash} as declared: resubmit the job`);
    }
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
    this.artifacts.set(hash, request.artifact);
    const jobId = randomBytes(16).toString('hex');
    const job = new JobMaster(jobId, spec, graph, Date.now(), this.resources, this.log, { slotWaitTimeoutMs: this.slotWaitTimeoutMs });
    this.jobs.set(jobId, job);
    job.start();
    return jobId;
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

  /** Cancels every job that is still running and waits until each has stopped. */
  async cancelAll(): Promise<void> {
    const running = [...this.jobs.values()].filter((j) => !j.isTerminal);
    for (const job of running) job.cancel();
    await Promise.all(running.map((j) => j.done));
  }
}
