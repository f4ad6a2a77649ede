/**
 * pino loggers for Sage processes: JSON lines with the component and the job/vertex/subtask fields
 * a log search needs, or pretty lines when a person is watching a terminal.
 */
import { pino, type Logger, type LevelWithSilent } from 'pino';
import pretty from 'pino-pretty';

export type { Logger };

export interface LoggerOptions {
  /** `jobmanager`, `taskmanager`, `cli`, ... */
  readonly component: string;
  readonly level?: LevelWithSilent;
  /** Pretty output; defaults to whether stderr is a terminal. */
  readonly pretty?: boolean;
  /** Fields on every line, e.g. the TaskManager's id. */
  readonly base?: Record<string, unknown>;
}

export function createLogger(options: LoggerOptions): Logger {
  const level = options.level ?? 'info';
  const base = { component: options.component, pid: process.pid, ...options.base };
  // Logs go to stderr, so stdout stays free for what a job prints.
  if (options.pretty ?? process.stderr.isTTY) {
    return pino({ level, base }, pretty({ destination: 2, sync: true, ignore: 'pid,hostname' }));
  }
  return pino({ level, base }, pino.destination({ fd: 2, sync: true }));
}
