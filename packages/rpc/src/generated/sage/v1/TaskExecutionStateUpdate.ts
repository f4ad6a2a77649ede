// Original file: ../../proto/sage/v1/jobmanager.proto

import type { ExecutionState as _sage_v1_ExecutionState, ExecutionState__Output as _sage_v1_ExecutionState__Output } from '../../sage/v1/ExecutionState.js';
import type { FailureCause as _sage_v1_FailureCause, FailureCause__Output as _sage_v1_FailureCause__Output } from '../../sage/v1/FailureCause.js';
import type { Long } from '@grpc/proto-loader';

export interface TaskExecutionStateUpdate {
  'taskManagerId'?: (string);
  'jobId'?: (string);
  'attempt'?: (number);
  'vertexId'?: (number);
  'subtaskIndex'?: (number);
  'state'?: (_sage_v1_ExecutionState);
  'failure'?: (_sage_v1_FailureCause | null);
  'recordsIn'?: (number | string | Long);
  'recordsOut'?: (number | string | Long);
}

export interface TaskExecutionStateUpdate__Output {
  'taskManagerId': (string);
  'jobId': (string);
  'attempt': (number);
  'vertexId': (number);
  'subtaskIndex': (number);
  'state': (_sage_v1_ExecutionState__Output);
  'failure': (_sage_v1_FailureCause__Output | null);
  'recordsIn': (number);
  'recordsOut': (number);
}
