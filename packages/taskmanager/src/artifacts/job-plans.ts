/**
 * Re-plans each job attempt once per TaskManager: fetch the artifact from the JobManager by hash
 * (cached), import it, build the JobGraph with the submitted arguments and check its fingerprint
 * against the one the client planned. A mismatch means this process would run different code than
 * was submitted, so the task is refused.
 */
import { planJob, type JobGraph } from '@sage/core';
import { loadJobArtifact } from '@sage/runtime';
import { call, type JobManagerClient, type JobSpec__Output } from '@sage/rpc';

export class JobPlans {
  private readonly artifacts = new Map<string, Promise<Record<string, unknown>>>();
  private readonly plans = new Map<string, Promise<JobGraph>>();

  constructor(private readonly jobManager: JobManagerClient) {}

  plan(jobId: string, attempt: number, spec: JobSpec__Output): Promise<JobGraph> {
    const key = `${jobId}/${attempt}`;
    let plan = this.plans.get(key);
    if (plan === undefined) {
      plan = this.replan(spec);
      this.plans.set(key, plan);
      plan.catch(() => this.plans.delete(key));
    }
    return plan;
  }

  release(jobId: string, attempt: number): void {
    this.plans.delete(`${jobId}/${attempt}`);
  }

  private async replan(spec: JobSpec__Output): Promise<JobGraph> {
    const exports = await this.module(spec.artifactHash);
    const jobGraph = await planJob(
      exports,
      spec.args,
      { jobName: spec.jobName, parallelism: spec.defaultParallelism, maxParallelism: spec.maxParallelism },
      `job artifact ${spec.artifactHash.slice(0, 12)}`,
    );
    jobGraph.checkFingerprint(spec.fingerprint);
    return jobGraph;
  }

  private module(hash: string): Promise<Record<string, unknown>> {
    let module = this.artifacts.get(hash);
    if (module === undefined) {
      module = call(this.jobManager, 'GetArtifact', { artifactHash: hash }, { timeoutMs: 60_000 }).then(
        (artifact) => loadJobArtifact(artifact.content, hash),
      );
      this.artifacts.set(hash, module);
      module.catch(() => this.artifacts.delete(hash));
    }
    return module;
  }
}
