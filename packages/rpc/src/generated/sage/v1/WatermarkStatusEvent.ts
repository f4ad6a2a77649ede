// Original file: ../../proto/sage/v1/exchange.proto


export interface WatermarkStatusEvent {
  'idle'?: (boolean);
}

export interface WatermarkStatusEvent__Output {
  'idle': (boolean);
}
