// Original file: ../../proto/sage/v1/jobmanager.proto


export interface ListJobsRequest {
}

export interface ListJobsRequest__Output {
}
