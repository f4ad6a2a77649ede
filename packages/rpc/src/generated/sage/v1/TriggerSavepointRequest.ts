// Original file: ../../proto/sage/v1/jobmanager.proto


export interface TriggerSavepointRequest {
  'jobId'?: (string);
  'stop'?: (boolean);
}

export interface TriggerSavepointRequest__Output {
  'jobId': (string);
  'stop': (boolean);
}
