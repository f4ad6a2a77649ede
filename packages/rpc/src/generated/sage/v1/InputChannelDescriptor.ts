// Original file: ../../proto/sage/v1/taskmanager.proto


export interface InputChannelDescriptor {
  'edgeId'?: (number);
  'producerSubtask'?: (number);
  'producerTaskManagerId'?: (string);
  'producerAddress'?: (string);
}

export interface InputChannelDescriptor__Output {
  'edgeId': (number);
  'producerSubtask': (number);
  'producerTaskManagerId': (string);
  'producerAddress': (string);
}
