// Original file: ../../proto/sage/v1/taskmanager.proto

import type { Long } from '@grpc/proto-loader';

export interface CheckpointNotification {
  'jobId'?: (string);
  'attempt'?: (number);
  'checkpointId'?: (number | string | Long);
  'endOfInput'?: (boolean);
}

export interface CheckpointNotification__Output {
  'jobId': (string);
  'attempt': (number);
  'checkpointId': (number);
  'endOfInput': (boolean);
}
