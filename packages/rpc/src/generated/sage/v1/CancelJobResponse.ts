// Original file: ../../proto/sage/v1/jobmanager.proto

import type { ExecutionState as _sage_v1_ExecutionState, ExecutionState__Output as _sage_v1_ExecutionState__Output } from '../../sage/v1/ExecutionState.js';

export interface CancelJobResponse {
  'state'?: (_sage_v1_ExecutionState);
}

export interface CancelJobResponse__Output {
  'state': (_sage_v1_ExecutionState__Output);
}
