// Original file: ../../proto/sage/v1/exchange.proto

import type { Long } from '@grpc/proto-loader';

export interface BarrierEvent {
  'checkpointId'?: (number | string | Long);
  'timestamp'?: (number | string | Long);
}

export interface BarrierEvent__Output {
  'checkpointId': (number);
  'timestamp': (number);
}
