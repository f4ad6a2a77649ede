// Original file: ../../proto/sage/v1/jobmanager.proto

import type { JobSummary as _sage_v1_JobSummary, JobSummary__Output as _sage_v1_JobSummary__Output } from '../../sage/v1/JobSummary.js';
import type { FailureCause as _sage_v1_FailureCause, FailureCause__Output as _sage_v1_FailureCause__Output } from '../../sage/v1/FailureCause.js';
import type { TaskDetails as _sage_v1_TaskDetails, TaskDetails__Output as _sage_v1_TaskDetails__Output } from '../../sage/v1/TaskDetails.js';
import type { CheckpointSummary as _sage_v1_CheckpointSummary, CheckpointSummary__Output as _sage_v1_CheckpointSummary__Output } from '../../sage/v1/CheckpointSummary.js';
import type { JobException as _sage_v1_JobException, JobException__Output as _sage_v1_JobException__Output } from '../../sage/v1/JobException.js';
import type { SlotWait as _sage_v1_SlotWait, SlotWait__Output as _sage_v1_SlotWait__Output } from '../../sage/v1/SlotWait.js';
import type { Long } from '@grpc/proto-loader';

export interface JobDetails {
  'summary'?: (_sage_v1_JobSummary | null);
  'stateTimestamps'?: ({[key: string]: number | string | Long});
  'failure'?: (_sage_v1_FailureCause | null);
  'tasks'?: (_sage_v1_TaskDetails)[];
  'attempt'?: (number);
  'restarts'?: (number);
  'lastCheckpoint'?: (_sage_v1_CheckpointSummary | null);
  'checkpointsCompleted'?: (number | string | Long);
  'checkpointsFailed'?: (number | string | Long);
  'restoredCheckpointId'?: (number | string | Long);
  'exceptions'?: (_sage_v1_JobException)[];
  'restoreFallbacks'?: (number);
  'waitingForSlots'?: (_sage_v1_SlotWait | null);
}

export interface JobDetails__Output {
  'summary': (_sage_v1_JobSummary__Output | null);
  'stateTimestamps': ({[key: string]: number});
  'failure': (_sage_v1_FailureCause__Output | null);
  'tasks': (_sage_v1_TaskDetails__Output)[];
  'attempt': (number);
  'restarts': (number);
  'lastCheckpoint': (_sage_v1_CheckpointSummary__Output | null);
  'checkpointsCompleted': (number);
  'checkpointsFailed': (number);
  'restoredCheckpointId': (number);
  'exceptions': (_sage_v1_JobException__Output)[];
  'restoreFallbacks': (number);
  'waitingForSlots': (_sage_v1_SlotWait__Output | null);
}
