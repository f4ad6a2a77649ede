// Original file: ../../proto/sage/v1/taskmanager.proto


export interface ReleaseJobRequest {
  'jobId'?: (string);
  'attempt'?: (number);
}

export interface ReleaseJobRequest__Output {
  'jobId': (string);
  'attempt': (number);
}
