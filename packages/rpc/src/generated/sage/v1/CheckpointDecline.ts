// Original file: ../../proto/sage/v1/jobmanager.proto

import type { FailureCause as _sage_v1_FailureCause, FailureCause__Output as _sage_v1_FailureCause__Output } from '../../sage/v1/FailureCause.js';
import type { Long } from '@grpc/proto-loader';

export interface CheckpointDecline {
  'jobId'?: (string);
  'attempt'?: (number);
  'checkpointId'?: (number | string | Long);
  'vertexId'?: (number);
  'subtaskIndex'?: (number);
  'reason'?: (_sage_v1_FailureCause | null);
}

export interface CheckpointDecline__Output {
  'jobId': (string);
  'attempt': (number);
  'checkpointId': (number);
  'vertexId': (number);
  'subtaskIndex': (number);
  'reason': (_sage_v1_FailureCause__Output | null);
}
