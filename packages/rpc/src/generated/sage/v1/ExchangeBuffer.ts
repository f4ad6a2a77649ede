// Original file: ../../proto/sage/v1/exchange.proto

import type { BarrierEvent as _sage_v1_BarrierEvent, BarrierEvent__Output as _sage_v1_BarrierEvent__Output } from '../../sage/v1/BarrierEvent.js';
import type { WatermarkEvent as _sage_v1_WatermarkEvent, WatermarkEvent__Output as _sage_v1_WatermarkEvent__Output } from '../../sage/v1/WatermarkEvent.js';
import type { EndOfPartitionEvent as _sage_v1_EndOfPartitionEvent, EndOfPartitionEvent__Output as _sage_v1_EndOfPartitionEvent__Output } from '../../sage/v1/EndOfPartitionEvent.js';
import type { WatermarkStatusEvent as _sage_v1_WatermarkStatusEvent, WatermarkStatusEvent__Output as _sage_v1_WatermarkStatusEvent__Output } from '../../sage/v1/WatermarkStatusEvent.js';

export interface ExchangeBuffer {
  'records'?: (Buffer | Uint8Array | string);
  'barrier'?: (_sage_v1_BarrierEvent | null);
  'watermark'?: (_sage_v1_WatermarkEvent | null);
  'endOfPartition'?: (_sage_v1_EndOfPartitionEvent | null);
  'watermarkStatus'?: (_sage_v1_WatermarkStatusEvent | null);
  'kind'?: "records"|"barrier"|"watermark"|"endOfPartition"|"watermarkStatus";
}

export interface ExchangeBuffer__Output {
  'records'?: (Buffer);
  'barrier'?: (_sage_v1_BarrierEvent__Output | null);
  'watermark'?: (_sage_v1_WatermarkEvent__Output | null);
  'endOfPartition'?: (_sage_v1_EndOfPartitionEvent__Output | null);
  'watermarkStatus'?: (_sage_v1_WatermarkStatusEvent__Output | null);
  'kind'?: "records"|"barrier"|"watermark"|"endOfPartition"|"watermarkStatus";
}
