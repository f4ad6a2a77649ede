// Original file: ../../proto/sage/v1/jobmanager.proto


export interface GetArtifactRequest {
  'artifactHash'?: (string);
}

export interface GetArtifactRequest__Output {
  'artifactHash': (string);
}
