// Original file: ../../proto/sage/v1/exchange.proto


export interface EndOfPartitionEvent {
}

export interface EndOfPartitionEvent__Output {
}
