// Original file: ../../proto/sage/v1/exchange.proto


export interface SubpartitionRequest {
  'jobId'?: (string);
  'attempt'?: (number);
  'edgeId'?: (number);
  'producerSubtask'?: (number);
  'consumerSubtask'?: (number);
  'initialCredit'?: (number);
  'consumerTaskManagerId'?: (string);
}

export interface SubpartitionRequest__Output {
  'jobId': (string);
  'attempt': (number);
  'edgeId': (number);
  'producerSubtask': (number);
  'consumerSubtask': (number);
  'initialCredit': (number);
  'consumerTaskManagerId': (string);
}
