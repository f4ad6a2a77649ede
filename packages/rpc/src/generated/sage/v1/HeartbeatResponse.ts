// Original file: ../../proto/sage/v1/jobmanager.proto


export interface HeartbeatResponse {
  'known'?: (boolean);
}

export interface HeartbeatResponse__Output {
  'known': (boolean);
}
