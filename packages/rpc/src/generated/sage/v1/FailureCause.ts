// Original file: ../../proto/sage/v1/common.proto


export interface FailureCause {
  'code'?: (string);
  'message'?: (string);
  'stack'?: (string);
  'location'?: (string);
  'unreachableTaskManagerId'?: (string);
}

export interface FailureCause__Output {
  'code': (string);
  'message': (string);
  'stack': (string);
  'location': (string);
  'unreachableTaskManagerId': (string);
}
