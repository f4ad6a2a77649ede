// Original file: ../../proto/sage/v1/exchange.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { ExchangeBuffer as _sage_v1_ExchangeBuffer, ExchangeBuffer__Output as _sage_v1_ExchangeBuffer__Output } from '../../sage/v1/ExchangeBuffer.js';
import type { ExchangeRequest as _sage_v1_ExchangeRequest, ExchangeRequest__Output as _sage_v1_ExchangeRequest__Output } from '../../sage/v1/ExchangeRequest.js';

export interface ExchangeClient extends grpc.Client {
  Subscribe(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_sage_v1_ExchangeRequest, _sage_v1_ExchangeBuffer__Output>;
  Subscribe(options?: grpc.CallOptions): grpc.ClientDuplexStream<_sage_v1_ExchangeRequest, _sage_v1_ExchangeBuffer__Output>;
  subscribe(metadata: grpc.Metadata, options?: grpc.CallOptions): grpc.ClientDuplexStream<_sage_v1_ExchangeRequest, _sage_v1_ExchangeBuffer__Output>;
  subscribe(options?: grpc.CallOptions): grpc.ClientDuplexStream<_sage_v1_ExchangeRequest, _sage_v1_ExchangeBuffer__Output>;
  
}

export interface ExchangeHandlers extends grpc.UntypedServiceImplementation {
  Subscribe: grpc.handleBidiStreamingCall<_sage_v1_ExchangeRequest__Output, _sage_v1_ExchangeBuffer>;
  
}

export interface ExchangeDefinition extends grpc.ServiceDefinition {
  Subscribe: MethodDefinition<_sage_v1_ExchangeRequest, _sage_v1_ExchangeBuffer, _sage_v1_ExchangeRequest__Output, _sage_v1_ExchangeBuffer__Output>
}
