// Original file: ../../proto/sage/v1/jobmanager.proto

import type { Long } from '@grpc/proto-loader';

export interface CheckpointAcknowledgement {
  'jobId'?: (string);
  'attempt'?: (number);
  'checkpointId'?: (number | string | Long);
  'vertexId'?: (number);
  'subtaskIndex'?: (number);
  'stateHandles'?: ({[key: string]: string});
  'stateSize'?: (number | string | Long);
  'finalState'?: (boolean);
  'syncMs'?: (number | string | Long);
  'asyncMs'?: (number | string | Long);
}

export interface CheckpointAcknowledgement__Output {
  'jobId': (string);
  'attempt': (number);
  'checkpointId': (number);
  'vertexId': (number);
  'subtaskIndex': (number);
  'stateHandles': ({[key: string]: string});
  'stateSize': (number);
  'finalState': (boolean);
  'syncMs': (number);
  'asyncMs': (number);
}
