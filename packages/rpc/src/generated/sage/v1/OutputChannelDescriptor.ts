// Original file: ../../proto/sage/v1/taskmanager.proto


export interface OutputChannelDescriptor {
  'edgeId'?: (number);
  'consumerSubtask'?: (number);
  'consumerTaskManagerId'?: (string);
}

export interface OutputChannelDescriptor__Output {
  'edgeId': (number);
  'consumerSubtask': (number);
  'consumerTaskManagerId': (string);
}
