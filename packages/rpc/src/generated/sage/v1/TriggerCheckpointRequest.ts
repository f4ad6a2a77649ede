// Original file: ../../proto/sage/v1/taskmanager.proto

import type { Long } from '@grpc/proto-loader';

export interface TriggerCheckpointRequest {
  'jobId'?: (string);
  'attempt'?: (number);
  'checkpointId'?: (number | string | Long);
  'timestamp'?: (number | string | Long);
  'vertexId'?: (number);
  'subtaskIndex'?: (number);
}

export interface TriggerCheckpointRequest__Output {
  'jobId': (string);
  'attempt': (number);
  'checkpointId': (number);
  'timestamp': (number);
  'vertexId': (number);
  'subtaskIndex': (number);
}
