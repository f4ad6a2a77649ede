// Original file: ../../proto/sage/v1/taskmanager.proto


export interface CancelTaskRequest {
  'jobId'?: (string);
  'attempt'?: (number);
  'vertexId'?: (number);
  'subtaskIndex'?: (number);
}

export interface CancelTaskRequest__Output {
  'jobId': (string);
  'attempt': (number);
  'vertexId': (number);
  'subtaskIndex': (number);
}
