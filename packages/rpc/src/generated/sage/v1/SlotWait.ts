// Original file: ../../proto/sage/v1/jobmanager.proto

import type { Long } from '@grpc/proto-loader';

export interface SlotWait {
  'needed'?: (number);
  'free'?: (number);
  'total'?: (number);
  'taskManagers'?: (number);
  'since'?: (number | string | Long);
}

export interface SlotWait__Output {
  'needed': (number);
  'free': (number);
  'total': (number);
  'taskManagers': (number);
  'since': (number);
}
