/**
 * What `sage run --jobmanager` checks, and tells, before a job leaves this machine: its code runs on
 * the TaskManagers, in their working directories and with their terminals, not the client's.
 */
import { isAbsolute, resolve } from 'node:path';
import { PrintSink } from '@sage/core';
import { CliError } from '../errors.js';
import type { PlannedJob } from './plan.js';

/**
 * Refuses a job whose connectors open relative paths. Job arguments are passed to the TaskManagers
 * as written (Flink's are too), so `out/` would name a folder in each TaskManager's working
 * directory; guessing which arguments are paths and resolving them here would be magic that breaks
 * on the first argument that only looks like one. The rule is simple instead: absolute paths.
 */
export function refuseRelativePaths(job: PlannedJob): void {
  for (const vertex of job.jobGraph.vertices) {
    for (const operator of vertex.operators) {
      const fn = job.jobGraph.node(operator.nodeId).fn as { filePaths?: () => readonly string[] } | undefined;
      if (typeof fn?.filePaths !== 'function') continue;
      for (const path of fn.filePaths()) {
        if (isAbsolute(path)) continue;
        throw new CliError(
          'RelativePathOnCluster',
          `${operator.name} opens '${path}', a relative path: on a cluster it would resolve in each TaskManager's working directory, not yours. ` +
            `Pass an absolute path on a file system every TaskManager sees, e.g. ${resolve(path)}${path.endsWith('/') ? '/' : ''}`,
        );
      }
    }
  }
}

/** True when some sink of the job is print(): its records go to the TaskManagers' stdout. */
export function printsRecords(job: PlannedJob): boolean {
  return job.jobGraph.vertices.some((vertex) => vertex.operators.some((operator) => job.jobGraph.node(operator.nodeId).fn instanceof PrintSink));
}
