/** Bundles and plans a job module exactly as the TaskManagers will re-plan it. */
import { basename, extname } from 'node:path';
import { DEFAULT_MAX_PARALLELISM, planJob, type JobGraph } from '@sage/core';
import { loadJobArtifact } from '@sage/runtime';
import { bundleJob, type JobArtifact } from '../artifact/bundle.js';

export interface RunOptions {
  readonly parallelism: number;
  readonly maxParallelism?: number;
  readonly jobName?: string;
}

export interface PlannedJob {
  readonly artifact: JobArtifact;
  readonly jobGraph: JobGraph;
  readonly args: readonly string[];
  readonly parallelism: number;
  readonly maxParallelism: number;
}

export async function planJobFile(file: string, args: readonly string[], options: RunOptions): Promise<PlannedJob> {
  const artifact = await bundleJob(file);
  const exports = await loadJobArtifact(artifact.content, artifact.hash);
  const maxParallelism = options.maxParallelism ?? DEFAULT_MAX_PARALLELISM;
  const jobGraph = await planJob(
    exports,
    args,
    { jobName: options.jobName ?? basename(file, extname(file)), parallelism: options.parallelism, maxParallelism },
    artifact.file,
  );
  return { artifact, jobGraph, args, parallelism: options.parallelism, maxParallelism };
}
