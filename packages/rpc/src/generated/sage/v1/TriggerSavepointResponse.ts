// Original file: ../../proto/sage/v1/jobmanager.proto

import type { Long } from '@grpc/proto-loader';

export interface TriggerSavepointResponse {
  'savepointId'?: (string);
  'checkpointId'?: (number | string | Long);
  'stateSize'?: (number | string | Long);
}

export interface TriggerSavepointResponse__Output {
  'savepointId': (string);
  'checkpointId': (number);
  'stateSize': (number);
}
