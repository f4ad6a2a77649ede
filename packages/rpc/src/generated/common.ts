import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { Empty as _sage_v1_Empty, Empty__Output as _sage_v1_Empty__Output } from './sage/v1/Empty.js';
import type { FailureCause as _sage_v1_FailureCause, FailureCause__Output as _sage_v1_FailureCause__Output } from './sage/v1/FailureCause.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  sage: {
    v1: {
      Empty: MessageTypeDefinition<_sage_v1_Empty, _sage_v1_Empty__Output>
      ExecutionState: EnumTypeDefinition
      FailureCause: MessageTypeDefinition<_sage_v1_FailureCause, _sage_v1_FailureCause__Output>
    }
  }
}

