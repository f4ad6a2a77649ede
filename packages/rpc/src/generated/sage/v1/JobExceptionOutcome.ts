// Original file: ../../proto/sage/v1/jobmanager.proto

export const JobExceptionOutcome = {
  JOB_EXCEPTION_OUTCOME_UNSPECIFIED: 'JOB_EXCEPTION_OUTCOME_UNSPECIFIED',
  JOB_EXCEPTION_RESTARTED: 'JOB_EXCEPTION_RESTARTED',
  JOB_EXCEPTION_JOB_FAILED: 'JOB_EXCEPTION_JOB_FAILED',
  JOB_EXCEPTION_CHECKPOINT_SKIPPED: 'JOB_EXCEPTION_CHECKPOINT_SKIPPED',
} as const;

export type JobExceptionOutcome =
  | 'JOB_EXCEPTION_OUTCOME_UNSPECIFIED'
  | 0
  | 'JOB_EXCEPTION_RESTARTED'
  | 1
  | 'JOB_EXCEPTION_JOB_FAILED'
  | 2
  | 'JOB_EXCEPTION_CHECKPOINT_SKIPPED'
  | 3

export type JobExceptionOutcome__Output = typeof JobExceptionOutcome[keyof typeof JobExceptionOutcome]
