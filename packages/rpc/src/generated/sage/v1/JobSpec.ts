// Original file: ../../proto/sage/v1/jobmanager.proto


export interface JobSpec {
  'jobName'?: (string);
  'artifactHash'?: (string);
  'args'?: (string)[];
  'defaultParallelism'?: (number);
  'maxParallelism'?: (number);
  'fingerprint'?: (string);
  'jobGraphJson'?: (string);
}

export interface JobSpec__Output {
  'jobName': (string);
  'artifactHash': (string);
  'args': (string)[];
  'defaultParallelism': (number);
  'maxParallelism': (number);
  'fingerprint': (string);
  'jobGraphJson': (string);
}
