// Original file: ../../proto/sage/v1/jobmanager.proto

import type { ExecutionState as _sage_v1_ExecutionState, ExecutionState__Output as _sage_v1_ExecutionState__Output } from '../../sage/v1/ExecutionState.js';
import type { FailureCause as _sage_v1_FailureCause, FailureCause__Output as _sage_v1_FailureCause__Output } from '../../sage/v1/FailureCause.js';
import type { Long } from '@grpc/proto-loader';

export interface TaskDetails {
  'vertexId'?: (number);
  'vertexName'?: (string);
  'subtaskIndex'?: (number);
  'parallelism'?: (number);
  'state'?: (_sage_v1_ExecutionState);
  'taskManagerId'?: (string);
  'stateTimestamps'?: ({[key: string]: number | string | Long});
  'recordsIn'?: (number | string | Long);
  'recordsOut'?: (number | string | Long);
  'failure'?: (_sage_v1_FailureCause | null);
}

export interface TaskDetails__Output {
  'vertexId': (number);
  'vertexName': (string);
  'subtaskIndex': (number);
  'parallelism': (number);
  'state': (_sage_v1_ExecutionState__Output);
  'taskManagerId': (string);
  'stateTimestamps': ({[key: string]: number});
  'recordsIn': (number);
  'recordsOut': (number);
  'failure': (_sage_v1_FailureCause__Output | null);
}
