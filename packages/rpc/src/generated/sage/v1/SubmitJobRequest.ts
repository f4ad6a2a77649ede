// Original file: ../../proto/sage/v1/jobmanager.proto

import type { JobSpec as _sage_v1_JobSpec, JobSpec__Output as _sage_v1_JobSpec__Output } from '../../sage/v1/JobSpec.js';

export interface SubmitJobRequest {
  'spec'?: (_sage_v1_JobSpec | null);
  'artifact'?: (Buffer | Uint8Array | string);
  'fromSavepoint'?: (string);
  'allowNonRestoredState'?: (boolean);
}

export interface SubmitJobRequest__Output {
  'spec': (_sage_v1_JobSpec__Output | null);
  'artifact': (Buffer);
  'fromSavepoint': (string);
  'allowNonRestoredState': (boolean);
}
