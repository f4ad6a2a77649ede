/**
 * A job's exception history as the CLI shows it: `sage status` (JSON and lines) and `sage run`, which
 * prints each restart and each skipped checkpoint on stderr as it happens.
 */
import type { JobException__Output } from '@sage/rpc';
import { formatDuration } from '../commands/units.js';

export type ExceptionOutcome = 'restarted' | 'failed' | 'checkpoint-skipped';

const OUTCOMES: Readonly<Record<string, ExceptionOutcome>> = {
  JOB_EXCEPTION_RESTARTED: 'restarted',
  JOB_EXCEPTION_JOB_FAILED: 'failed',
  JOB_EXCEPTION_CHECKPOINT_SKIPPED: 'checkpoint-skipped',
};

export interface JobExceptionJson {
  readonly timestamp: number;
  readonly attempt: number;
  readonly outcome: ExceptionOutcome;
  readonly code: string;
  readonly message: string;
  /** Where it happened: a task and its TaskManager, the JobManager's restore, … */
  readonly location: string;
  readonly stack: string;
  /** For `restarted`: the delay before the next attempt. */
  readonly restartDelayMs: number | null;
  /** For `checkpoint-skipped`: the damaged checkpoint the restore passed over. */
  readonly skippedCheckpointId: number | null;
}

export function exceptionJson(entry: JobException__Output): JobExceptionJson {
  const outcome = OUTCOMES[String(entry.outcome)] ?? 'failed';
  return {
    timestamp: Number(entry.timestamp),
    attempt: entry.attempt,
    outcome,
    code: entry.cause?.code ?? '',
    message: entry.cause?.message ?? '',
    location: entry.cause?.location ?? '',
    stack: entry.cause?.stack ?? '',
    restartDelayMs: outcome === 'restarted' ? Number(entry.restartDelayMs) : null,
    skippedCheckpointId: outcome === 'checkpoint-skipped' ? Number(entry.skippedCheckpointId) : null,
  };
}

/** One line for a person: what happened, where, and what followed. */
export function describeException(entry: JobExceptionJson): string {
  switch (entry.outcome) {
    case 'restarted':
      return `attempt ${entry.attempt} failed in ${entry.location}: ${entry.code}: ${entry.message} — restarting in ${formatDuration(entry.restartDelayMs ?? 0)}`;
    case 'checkpoint-skipped':
      return `restore skipped checkpoint ${entry.skippedCheckpointId}: ${entry.message}`;
    case 'failed':
      return `attempt ${entry.attempt} failed in ${entry.location}: ${entry.code}: ${entry.message} — the job FAILED`;
  }
}

/** Identifies an entry across polls, so `sage run` prints each one once. */
export function exceptionKey(entry: JobExceptionJson): string {
  return `${entry.timestamp}/${entry.attempt}/${entry.outcome}/${entry.skippedCheckpointId ?? ''}`;
}
