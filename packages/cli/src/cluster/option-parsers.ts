/** Parsers for flag values: a wrong value is a usage error that says what is expected. */
import { InvalidArgumentError, Option } from 'commander';
import { DEFAULT_JOBMANAGER } from './job-client.js';

export function positiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`expected a whole number of at least 1, got '${value}'`);
  return n;
}

export function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError(`expected a port from 0 to 65535, got '${value}'`);
  return n;
}

export function hostPort(value: string): string {
  if (!/^[^:\s]+:\d+$/.test(value)) throw new InvalidArgumentError(`expected HOST:PORT, e.g. 127.0.0.1:6123, got '${value}'`);
  return value;
}

/** `--jobmanager HOST:PORT` of the commands that operate jobs on a cluster. */
export function jobManagerOption(): Option {
  return new Option('--jobmanager <host:port>', `the JobManager (default ${DEFAULT_JOBMANAGER}, or $SAGE_JOBMANAGER)`).argParser(hostPort);
}

/** A savepoint id as `sage savepoint` prints it: `<job id>/<checkpoint id>`. */
export function savepointId(value: string): string {
  if (!/^[^/\s]+\/[1-9]\d*$/.test(value)) {
    throw new InvalidArgumentError(`expected a savepoint id as \`sage savepoint\` prints it, <job id>/<checkpoint id>, got '${value}'`);
  }
  return value;
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
