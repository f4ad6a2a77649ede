// Original file: ../../proto/sage/v1/exchange.proto


export interface WatermarkEvent {
  'timestamp'?: (number | string);
}

export interface WatermarkEvent__Output {
  'timestamp': (number);
}
