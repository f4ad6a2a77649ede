/**
 * A job's exception history, as Flink's: every failure of an attempt (and whether the job restarted or
 * failed for it) and every damaged checkpoint a restore passed over, newest first. Capped, so a job that
 * fails for days keeps the latest entries only; `sage status` and `sage run` read it from JobDetails.
 */
import type { FailureCause, JobException } from '@sage/rpc';

/** Entries kept per job; Flink's web.exception-history-size defaults to 16 too. */
export const EXCEPTION_HISTORY_SIZE = 16;

export class ExceptionHistory {
  private readonly entries: JobException[] = [];

  /** The attempt failed and the restart strategy restarts the job after `delayMs`. */
  restarted(attempt: number, cause: FailureCause, delayMs: number): void {
    this.add({ timestamp: Date.now(), attempt, cause, outcome: 'JOB_EXCEPTION_RESTARTED', restartDelayMs: delayMs, skippedCheckpointId: 0 });
  }

  /** The job ended FAILED for `cause`. */
  failed(attempt: number, cause: FailureCause): void {
    this.add({ timestamp: Date.now(), attempt, cause, outcome: 'JOB_EXCEPTION_JOB_FAILED', restartDelayMs: 0, skippedCheckpointId: 0 });
  }

  /** The restore for `attempt` passed over damaged checkpoint `checkpointId` and fell back to an older one. */
  checkpointSkipped(attempt: number, checkpointId: number, problem: string, restoredFrom: number | undefined): void {
    const message =
      `Checkpoint ${checkpointId} cannot be restored (${problem}); restored ${restoredFrom === undefined ? 'nothing' : `checkpoint ${restoredFrom}`} instead, ` +
      `so sinks may repeat the output they committed after it (set enableCheckpointing(ms, { onCorruptCheckpoint: 'fail' }) to fail instead)`;
    this.add({
      timestamp: Date.now(),
      attempt,
      cause: { code: 'CheckpointSkipped', message, stack: '', location: 'JobManager restore' },
      outcome: 'JOB_EXCEPTION_CHECKPOINT_SKIPPED',
      restartDelayMs: 0,
      skippedCheckpointId: checkpointId,
    });
  }

  /** Newest first. */
  list(): JobException[] {
    return [...this.entries];
  }

  private add(entry: JobException): void {
    this.entries.unshift(entry);
    if (this.entries.length > EXCEPTION_HISTORY_SIZE) this.entries.length = EXCEPTION_HISTORY_SIZE;
  }
}
