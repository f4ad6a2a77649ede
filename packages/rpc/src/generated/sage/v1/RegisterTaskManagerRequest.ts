// Original file: ../../proto/sage/v1/jobmanager.proto


export interface RegisterTaskManagerRequest {
  'taskManagerId'?: (string);
  'address'?: (string);
  'slots'?: (number);
  'pid'?: (number);
}

export interface RegisterTaskManagerRequest__Output {
  'taskManagerId': (string);
  'address': (string);
  'slots': (number);
  'pid': (number);
}
