/**
 * A job module's default export. `sage run job.ts -- a b` imports the module, creates an environment
 * and calls the builder with `['a', 'b']`.
 */
import { InvalidJobModule } from '../errors.js';
import { StreamExecutionEnvironment, type EnvironmentOptions } from './environment.js';
import type { JobGraph } from '../graph/job-graph.js';

const JOB_DEFINITION = Symbol.for('sage.job-definition');

export type JobBuilder = (env: StreamExecutionEnvironment, args: readonly string[]) => void | Promise<void>;

export interface JobDefinition {
  readonly [JOB_DEFINITION]: true;
  readonly build: JobBuilder;
}

export function defineJob(build: JobBuilder): JobDefinition {
  if (typeof build !== 'function') throw new TypeError('defineJob() takes a function (env, args) => { ... }');
  return { [JOB_DEFINITION]: true, build };
}

export function isJobDefinition(value: unknown): value is JobDefinition {
  return !!value && typeof value === 'object' && (value as Record<symbol, unknown>)[JOB_DEFINITION] === true;
}

/**
 * Builds a job from a module's exports: the one place that turns a module into a JobGraph, used alike
 * by the CLI, the LocalCluster and (re-planning) the TaskManagers.
 */
export async function planJob(
  moduleExports: Record<string, unknown>,
  args: readonly string[],
  options: EnvironmentOptions = {},
  source = 'the job module',
): Promise<JobGraph> {
  const definition = moduleExports.default;
  if (!isJobDefinition(definition)) {
    throw new InvalidJobModule(
      `${source} has no job: its default export must be defineJob((env, args) => { ... }) from '@sage/core'`,
    );
  }
  const env = new StreamExecutionEnvironment(options);
  await definition.build(env, args);
  return env.compile();
}
