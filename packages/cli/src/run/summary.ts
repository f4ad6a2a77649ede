/** The lines `sage run` prints on stderr when a job ends: records per vertex, outcome, failure. */
import { count } from './progress.js';

export interface VertexLine {
  readonly name: string;
  readonly parallelism: number;
  readonly recordsIn: number;
  readonly recordsOut: number;
}

export function printSummary(jobName: string, state: string, durationMs: number, vertices: readonly VertexLine[]): void {
  const lines = vertices.map(
    (v) => `  ${v.name} (p=${v.parallelism})  in ${count(v.recordsIn)}  out ${count(v.recordsOut)}`,
  );
  lines.push(`Job ${jobName} ${state} in ${(durationMs / 1000).toFixed(2)}s`);
  process.stderr.write(lines.join('\n') + '\n');
}

/** The failure of a job: where, then the user's error with its own stack trace. */
export function printFailure(location: string, stack: string): void {
  process.stderr.write(`Failed in ${location}:\n${stack}\n`);
}
