// Original file: ../../proto/sage/v1/exchange.proto

import type { SubpartitionRequest as _sage_v1_SubpartitionRequest, SubpartitionRequest__Output as _sage_v1_SubpartitionRequest__Output } from '../../sage/v1/SubpartitionRequest.js';

export interface ExchangeRequest {
  'subscribe'?: (_sage_v1_SubpartitionRequest | null);
  'credit'?: (number);
  'kind'?: "subscribe"|"credit";
}

export interface ExchangeRequest__Output {
  'subscribe'?: (_sage_v1_SubpartitionRequest__Output | null);
  'credit'?: (number);
  'kind'?: "subscribe"|"credit";
}
