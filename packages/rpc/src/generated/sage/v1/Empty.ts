// Original file: ../../proto/sage/v1/common.proto


export interface Empty {
}

export interface Empty__Output {
}
