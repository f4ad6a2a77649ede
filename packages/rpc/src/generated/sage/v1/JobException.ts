// Original file: ../../proto/sage/v1/jobmanager.proto

import type { FailureCause as _sage_v1_FailureCause, FailureCause__Output as _sage_v1_FailureCause__Output } from '../../sage/v1/FailureCause.js';
import type { JobExceptionOutcome as _sage_v1_JobExceptionOutcome, JobExceptionOutcome__Output as _sage_v1_JobExceptionOutcome__Output } from '../../sage/v1/JobExceptionOutcome.js';
import type { Long } from '@grpc/proto-loader';

export interface JobException {
  'timestamp'?: (number | string | Long);
  'attempt'?: (number);
  'cause'?: (_sage_v1_FailureCause | null);
  'outcome'?: (_sage_v1_JobExceptionOutcome);
  'restartDelayMs'?: (number | string | Long);
  'skippedCheckpointId'?: (number | string | Long);
}

export interface JobException__Output {
  'timestamp': (number);
  'attempt': (number);
  'cause': (_sage_v1_FailureCause__Output | null);
  'outcome': (_sage_v1_JobExceptionOutcome__Output);
  'restartDelayMs': (number);
  'skippedCheckpointId': (number);
}
