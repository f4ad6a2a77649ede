// Original file: ../../proto/sage/v1/jobmanager.proto

import type { JobSummary as _sage_v1_JobSummary, JobSummary__Output as _sage_v1_JobSummary__Output } from '../../sage/v1/JobSummary.js';

export interface ListJobsResponse {
  'jobs'?: (_sage_v1_JobSummary)[];
}

export interface ListJobsResponse__Output {
  'jobs': (_sage_v1_JobSummary__Output)[];
}
