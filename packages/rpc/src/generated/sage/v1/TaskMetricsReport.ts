// Original file: ../../proto/sage/v1/jobmanager.proto

import type { Long } from '@grpc/proto-loader';

export interface TaskMetricsReport {
  'jobId'?: (string);
  'attempt'?: (number);
  'vertexId'?: (number);
  'subtaskIndex'?: (number);
  'recordsIn'?: (number | string | Long);
  'recordsOut'?: (number | string | Long);
}

export interface TaskMetricsReport__Output {
  'jobId': (string);
  'attempt': (number);
  'vertexId': (number);
  'subtaskIndex': (number);
  'recordsIn': (number);
  'recordsOut': (number);
}
