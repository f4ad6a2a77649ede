/** `sage run --local`: the whole job in this process, in a LocalCluster. */
import { createLogger } from '@sage/observability';
import { LocalCluster, TaskFailure } from '@sage/runtime';
import { edgeVertices, type PlannedJob } from './plan.js';
import { ProgressLine } from './progress.js';
import { printFailure, printSummary } from './summary.js';

/** Runs the job to its end; resolves with the process exit code. */
export async function runLocally(job: PlannedJob): Promise<number> {
  // Warnings only: restarts, aborted checkpoints and checkpoint fallbacks; the progress line says the rest.
  const execution = new LocalCluster().execute(job.jobGraph, { log: createLogger({ component: 'local', level: 'warn' }) });
  const { sources, sinks } = edgeVertices(job.jobGraph);
  const progress = new ProgressLine(() => {
    const vertices = execution.progress();
    return {
      state: execution.jobState,
      recordsIn: vertices.filter((v) => sources.has(v.id)).reduce((n, v) => n + v.recordsIn, 0),
      recordsOut: vertices.filter((v) => sinks.has(v.id)).reduce((n, v) => n + v.recordsOut, 0),
    };
  });
  const interrupt = () => execution.cancel();
  process.once('SIGINT', interrupt);
  progress.start();
  const result = await execution.result;
  progress.stop();
  process.off('SIGINT', interrupt);
  printSummary(result.jobName, result.state, result.durationMs, result.vertices);
  if (result.state === 'FINISHED') return 0;
  if (result.state === 'CANCELED') return 130;
  const failure = result.failure;
  const cause = failure instanceof TaskFailure ? failure.cause : failure;
  printFailure(failure instanceof TaskFailure ? failure.taskName : 'the job', cause instanceof Error ? (cause.stack ?? String(cause)) : String(cause));
  return 1;
}
