// Original file: ../../proto/sage/v1/jobmanager.proto


export interface Artifact {
  'artifactHash'?: (string);
  'content'?: (Buffer | Uint8Array | string);
}

export interface Artifact__Output {
  'artifactHash': (string);
  'content': (Buffer);
}
