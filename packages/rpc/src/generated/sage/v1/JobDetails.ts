// Original file: ../../proto/sage/v1/jobmanager.proto

import type { JobSummary as _sage_v1_JobSummary, JobSummary__Output as _sage_v1_JobSummary__Output } from '../../sage/v1/JobSummary.js';
import type { FailureCause as _sage_v1_FailureCause, FailureCause__Output as _sage_v1_FailureCause__Output } from '../../sage/v1/FailureCause.js';
import type { TaskDetails as _sage_v1_TaskDetails, TaskDetails__Output as _sage_v1_TaskDetails__Output } from '../../sage/v1/TaskDetails.js';
import type { Long } from '@grpc/proto-loader';

export interface JobDetails {
  'summary'?: (_sage_v1_JobSummary | null);
  'stateTimestamps'?: ({[key: string]: number | string | Long});
  'failure'?: (_sage_v1_FailureCause | null);
  'tasks'?: (_sage_v1_TaskDetails)[];
  'attempt'?: (number);
}

export interface JobDetails__Output {
  'summary': (_sage_v1_JobSummary__Output | null);
  'stateTimestamps': ({[key: string]: number});
  'failure': (_sage_v1_FailureCause__Output | null);
  'tasks': (_sage_v1_TaskDetails__Output)[];
  'attempt': (number);
}
