// Original file: ../../proto/sage/v1/jobmanager.proto


export interface RegisterTaskManagerResponse {
  'clusterId'?: (string);
  'heartbeatIntervalMs'?: (number);
  'checkpointStorage'?: (string);
  'heartbeatTimeoutMs'?: (number);
}

export interface RegisterTaskManagerResponse__Output {
  'clusterId': (string);
  'heartbeatIntervalMs': (number);
  'checkpointStorage': (string);
  'heartbeatTimeoutMs': (number);
}
