/** Bundles and plans a job module exactly as the TaskManagers will re-plan it. */
import { basename, extname } from 'node:path';
import { DEFAULT_MAX_PARALLELISM, planJob, SageError, type JobGraph } from '@sage/core';
import { loadJobArtifact } from '@sage/runtime';
import { bundleJob, type JobArtifact } from '../artifact/bundle.js';
import { CliError, PLAN_ERROR_CODES } from '../errors.js';

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
  const maxParallelism = options.maxParallelism ?? DEFAULT_MAX_PARALLELISM;
  const jobName = options.jobName ?? basename(file, extname(file));
  let jobGraph: JobGraph;
  try {
    const exports = await loadJobArtifact(artifact.content, artifact.hash);
    jobGraph = await planJob(exports, args, { jobName, parallelism: options.parallelism, maxParallelism }, artifact.file);
  } catch (error) {
    if (error instanceof SageError && PLAN_ERROR_CODES.has(error.code)) throw error;
    throw new CliError(
      'JobPlanFailed',
      `Job ${jobName} failed before it started: ${artifact.file} threw while it was loaded or while it built the job graph (no record ran). Fix the error below and run again.\n${userStack(error)}`,
    );
  }
  return { artifact, jobGraph, args, parallelism: options.parallelism, maxParallelism };
}

/** The error's stack down to the user's code: the frames of Node's loader and of this CLI say nothing to a user. */
function userStack(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const lines = (error.stack ?? `${error.name}: ${error.message}`).split('\n');
  const end = lines.findIndex((line) => /^\s+at (async )?(planJob|loadJobArtifact) /.test(line));
  return lines
    .slice(0, end === -1 ? lines.length : end)
    .filter((line) => !line.includes('(node:internal/'))
    .join('\n');
}

/** Vertex ids of a job's sources (records in) and of the vertices holding its sinks (records out). */
export function edgeVertices(jobGraph: JobGraph): { readonly sources: ReadonlySet<number>; readonly sinks: ReadonlySet<number> } {
  return {
    sources: new Set(jobGraph.vertices.filter((v) => v.operators[0]!.kind === 'source').map((v) => v.id)),
    sinks: new Set(jobGraph.vertices.filter((v) => v.operators.some((o) => o.kind === 'sink')).map((v) => v.id)),
  };
}
