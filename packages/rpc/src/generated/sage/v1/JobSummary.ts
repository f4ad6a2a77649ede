// Original file: ../../proto/sage/v1/jobmanager.proto

import type { ExecutionState as _sage_v1_ExecutionState, ExecutionState__Output as _sage_v1_ExecutionState__Output } from '../../sage/v1/ExecutionState.js';
import type { Long } from '@grpc/proto-loader';

export interface JobSummary {
  'jobId'?: (string);
  'jobName'?: (string);
  'state'?: (_sage_v1_ExecutionState);
  'submittedAt'?: (number | string | Long);
  'endedAt'?: (number | string | Long);
  'tasksTotal'?: (number);
  'tasksRunning'?: (number);
  'tasksFinished'?: (number);
}

export interface JobSummary__Output {
  'jobId': (string);
  'jobName': (string);
  'state': (_sage_v1_ExecutionState__Output);
  'submittedAt': (number);
  'endedAt': (number);
  'tasksTotal': (number);
  'tasksRunning': (number);
  'tasksFinished': (number);
}
