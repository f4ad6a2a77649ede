// Original file: ../../proto/sage/v1/jobmanager.proto

import type { Long } from '@grpc/proto-loader';

export interface CheckpointSummary {
  'checkpointId'?: (number | string | Long);
  'timestamp'?: (number | string | Long);
  'durationMs'?: (number | string | Long);
  'stateSize'?: (number | string | Long);
  'savepoint'?: (boolean);
}

export interface CheckpointSummary__Output {
  'checkpointId': (number);
  'timestamp': (number);
  'durationMs': (number);
  'stateSize': (number);
  'savepoint': (boolean);
}
