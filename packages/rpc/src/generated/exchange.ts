import type * as grpc from '@grpc/grpc-js';
import type { MessageTypeDefinition } from '@grpc/proto-loader';

import type { BarrierEvent as _sage_v1_BarrierEvent, BarrierEvent__Output as _sage_v1_BarrierEvent__Output } from './sage/v1/BarrierEvent.js';
import type { EndOfPartitionEvent as _sage_v1_EndOfPartitionEvent, EndOfPartitionEvent__Output as _sage_v1_EndOfPartitionEvent__Output } from './sage/v1/EndOfPartitionEvent.js';
import type { ExchangeClient as _sage_v1_ExchangeClient, ExchangeDefinition as _sage_v1_ExchangeDefinition } from './sage/v1/Exchange.js';
import type { ExchangeBuffer as _sage_v1_ExchangeBuffer, ExchangeBuffer__Output as _sage_v1_ExchangeBuffer__Output } from './sage/v1/ExchangeBuffer.js';
import type { ExchangeRequest as _sage_v1_ExchangeRequest, ExchangeRequest__Output as _sage_v1_ExchangeRequest__Output } from './sage/v1/ExchangeRequest.js';
import type { SubpartitionRequest as _sage_v1_SubpartitionRequest, SubpartitionRequest__Output as _sage_v1_SubpartitionRequest__Output } from './sage/v1/SubpartitionRequest.js';
import type { WatermarkEvent as _sage_v1_WatermarkEvent, WatermarkEvent__Output as _sage_v1_WatermarkEvent__Output } from './sage/v1/WatermarkEvent.js';
import type { WatermarkStatusEvent as _sage_v1_WatermarkStatusEvent, WatermarkStatusEvent__Output as _sage_v1_WatermarkStatusEvent__Output } from './sage/v1/WatermarkStatusEvent.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  sage: {
    v1: {
      BarrierEvent: MessageTypeDefinition<_sage_v1_BarrierEvent, _sage_v1_BarrierEvent__Output>
      EndOfPartitionEvent: MessageTypeDefinition<_sage_v1_EndOfPartitionEvent, _sage_v1_EndOfPartitionEvent__Output>
      Exchange: SubtypeConstructor<typeof grpc.Client, _sage_v1_ExchangeClient> & { service: _sage_v1_ExchangeDefinition }
      ExchangeBuffer: MessageTypeDefinition<_sage_v1_ExchangeBuffer, _sage_v1_ExchangeBuffer__Output>
      ExchangeRequest: MessageTypeDefinition<_sage_v1_ExchangeRequest, _sage_v1_ExchangeRequest__Output>
      SubpartitionRequest: MessageTypeDefinition<_sage_v1_SubpartitionRequest, _sage_v1_SubpartitionRequest__Output>
      WatermarkEvent: MessageTypeDefinition<_sage_v1_WatermarkEvent, _sage_v1_WatermarkEvent__Output>
      WatermarkStatusEvent: MessageTypeDefinition<_sage_v1_WatermarkStatusEvent, _sage_v1_WatermarkStatusEvent__Output>
    }
  }
}

