// Original file: ../../proto/sage/v1/jobmanager.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { Artifact as _sage_v1_Artifact, Artifact__Output as _sage_v1_Artifact__Output } from '../../sage/v1/Artifact.js';
import type { CancelJobRequest as _sage_v1_CancelJobRequest, CancelJobRequest__Output as _sage_v1_CancelJobRequest__Output } from '../../sage/v1/CancelJobRequest.js';
import type { CancelJobResponse as _sage_v1_CancelJobResponse, CancelJobResponse__Output as _sage_v1_CancelJobResponse__Output } from '../../sage/v1/CancelJobResponse.js';
import type { CheckpointAcknowledgement as _sage_v1_CheckpointAcknowledgement, CheckpointAcknowledgement__Output as _sage_v1_CheckpointAcknowledgement__Output } from '../../sage/v1/CheckpointAcknowledgement.js';
import type { CheckpointDecline as _sage_v1_CheckpointDecline, CheckpointDecline__Output as _sage_v1_CheckpointDecline__Output } from '../../sage/v1/CheckpointDecline.js';
import type { Empty as _sage_v1_Empty, Empty__Output as _sage_v1_Empty__Output } from '../../sage/v1/Empty.js';
import type { GetArtifactRequest as _sage_v1_GetArtifactRequest, GetArtifactRequest__Output as _sage_v1_GetArtifactRequest__Output } from '../../sage/v1/GetArtifactRequest.js';
import type { GetJobRequest as _sage_v1_GetJobRequest, GetJobRequest__Output as _sage_v1_GetJobRequest__Output } from '../../sage/v1/GetJobRequest.js';
import type { HeartbeatRequest as _sage_v1_HeartbeatRequest, HeartbeatRequest__Output as _sage_v1_HeartbeatRequest__Output } from '../../sage/v1/HeartbeatRequest.js';
import type { HeartbeatResponse as _sage_v1_HeartbeatResponse, HeartbeatResponse__Output as _sage_v1_HeartbeatResponse__Output } from '../../sage/v1/HeartbeatResponse.js';
import type { JobDetails as _sage_v1_JobDetails, JobDetails__Output as _sage_v1_JobDetails__Output } from '../../sage/v1/JobDetails.js';
import type { ListJobsRequest as _sage_v1_ListJobsRequest, ListJobsRequest__Output as _sage_v1_ListJobsRequest__Output } from '../../sage/v1/ListJobsRequest.js';
import type { ListJobsResponse as _sage_v1_ListJobsResponse, ListJobsResponse__Output as _sage_v1_ListJobsResponse__Output } from '../../sage/v1/ListJobsResponse.js';
import type { RegisterTaskManagerRequest as _sage_v1_RegisterTaskManagerRequest, RegisterTaskManagerRequest__Output as _sage_v1_RegisterTaskManagerRequest__Output } from '../../sage/v1/RegisterTaskManagerRequest.js';
import type { RegisterTaskManagerResponse as _sage_v1_RegisterTaskManagerResponse, RegisterTaskManagerResponse__Output as _sage_v1_RegisterTaskManagerResponse__Output } from '../../sage/v1/RegisterTaskManagerResponse.js';
import type { SubmitJobRequest as _sage_v1_SubmitJobRequest, SubmitJobRequest__Output as _sage_v1_SubmitJobRequest__Output } from '../../sage/v1/SubmitJobRequest.js';
import type { SubmitJobResponse as _sage_v1_SubmitJobResponse, SubmitJobResponse__Output as _sage_v1_SubmitJobResponse__Output } from '../../sage/v1/SubmitJobResponse.js';
import type { TaskExecutionStateUpdate as _sage_v1_TaskExecutionStateUpdate, TaskExecutionStateUpdate__Output as _sage_v1_TaskExecutionStateUpdate__Output } from '../../sage/v1/TaskExecutionStateUpdate.js';
import type { TriggerSavepointRequest as _sage_v1_TriggerSavepointRequest, TriggerSavepointRequest__Output as _sage_v1_TriggerSavepointRequest__Output } from '../../sage/v1/TriggerSavepointRequest.js';
import type { TriggerSavepointResponse as _sage_v1_TriggerSavepointResponse, TriggerSavepointResponse__Output as _sage_v1_TriggerSavepointResponse__Output } from '../../sage/v1/TriggerSavepointResponse.js';

export interface JobManagerClient extends grpc.Client {
  AcknowledgeCheckpoint(argument: _sage_v1_CheckpointAcknowledgement, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sage_v1_Empty__Output>): grpc.ClientUnaryCall;
  AcknowledgeCheckpoint(argument: _sage_v1_CheckpointAcknowledgement, metadata: grpc.Metadata, callback: grpc.requestCallback<_sage_v1_Empty__Output>): grpc.ClientUnaryCall;
  AcknowledgeCheckpoint(argument: _sage_v1_CheckpointAcknowledgement, options: grpc.CallOptions, callback: grpc.requestCallback<_sage_v1_Empty__Output>): grpc.ClientUnaryCall;
  AcknowledgeCheckpoint(argument: _sage_v1_CheckpointAcknowledgement, callback: grpc.requestCallback<_sage_v1_Empty__Output>): grpc.ClientUnaryCall;
  acknowledgeCheckpoint(argument: _sage_v1_CheckpointAcknowledgement, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sage_v1_Empty__Output>): grpc.ClientUnaryCall;
  acknowledgeCheckpoint(argument: _sage_v1_CheckpointAcknowledgement, metadata: grpc.Metadata, callback: grpc.requestCallback<_sage_v1_Empty__Output>): grpc.ClientUnaryCall;
  acknowledgeCheckpoint(argument: _sage_v1_CheckpointAcknowledgement, options: grpc.CallOptions, callback: grpc.requestCallback<_sage_v1_Empty__Output>): grpc.ClientUnaryCall;
  acknowledgeCheckpoint(argument: _sage_v1_CheckpointAcknowledgement, callback: grpc.requestCallback<_sage_v1_Empty__Output>): grpc.ClientUnaryCall;
  
  CancelJob(argument: _sage_v1_CancelJobRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sage_v1_CancelJobResponse__Output>): grpc.ClientUnaryCall;
  CancelJob(argument: _sage_v1_CancelJobRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sage_v1_CancelJobResponse__Output>): grpc.ClientUnaryCall;
  CancelJob(argument: _sage_v1_CancelJobRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sage_v1_CancelJobResponse__Output>): grpc.ClientUnaryCall;
  CancelJob(argument: _sage_v1_CancelJobRequest, callback: grpc.requestCallback<_sage_v1_CancelJobResponse__Output>): grpc.ClientUnaryCall;
  cancelJob(argument: _sage_v1_CancelJobRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sage_v1_CancelJobResponse__Output>): grpc.ClientUnaryCall;
  cancelJob(argument: _sage_v1_CancelJobRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sage_v1_CancelJobResponse__Output>): grpc.ClientUnaryCall;
  cancelJob(argument: _sage_v1_CancelJobRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sage_v1_CancelJobResponse__Output>): grpc.ClientUnaryCall;
  cancelJob(argument: _sage_v1_CancelJobRequest, callback: grpc.requestCallback<_sage_v1_CancelJobResponse__Output>): grpc.ClientUnaryCall;
  
  DeclineCheckpoint(argument: _sage_v1_CheckpointDecline, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sage_v1_Empty__Output>): grpc.ClientUnaryCall;
  DeclineCheckpoint(argument: _sage_v1_CheckpointDecline, metadata: grpc.Metadata, callback: grpc.requestCallback<_sage_v1_Empty__Output>): grpc.ClientUnaryCall;
  DeclineCheckpoint(argument: _sage_v1_CheckpointDecline, options: grpc.CallOptions, callback: grpc.requestCallback<_sage_v1_Empty__Output>): grpc.ClientUnaryCall;
  DeclineCheckpoint(argument: _sage_v1_CheckpointDecline, callback: grpc.requestCallback<_sage_v1_Empty__Output>): grpc.ClientUnaryCall;
  declineCheckpoint(argument: _sage_v1_CheckpointDecline, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sage_v1_Empty__Output>): grpc.ClientUnaryCall;
  declineCheckpoint(argument: _sage_v1_CheckpointDecline, metadata: grpc.Metadata, callback: grpc.requestCallback<_sage_v1_Empty__Output>): grpc.ClientUnaryCall;
  declineCheckpoint(argument: _sage_v1_CheckpointDecline, options: grpc.CallOptions, callback: grpc.requestCallback<_sage_v1_Empty__Output>): grpc.ClientUnaryCall;
  declineCheckpoint(argument: _sage_v1_CheckpointDecline, callback: grpc.requestCallback<_sage_v1_Empty__Output>): grpc.ClientUnaryCall;
  
  GetArtifact(argument: _sage_v1_GetArtifactRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sage_v1_Artifact__Output>): grpc.ClientUnaryCall;
  GetArtifact(argument: _sage_v1_GetArtifactRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sage_v1_Artifact__Output>): grpc.ClientUnaryCall;
  GetArtifact(argument: _sage_v1_GetArtifactRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sage_v1_Artifact__Output>): grpc.ClientUnaryCall;
  GetArtifact(argument: _sage_v1_GetArtifactRequest, callback: grpc.requestCallback<_sage_v1_Artifact__Output>): grpc.ClientUnaryCall;
  getArtifact(argument: _sage_v1_GetArtifactRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sage_v1_Artifact__Output>): grpc.ClientUnaryCall;
  getArtifact(argument: _sage_v1_GetArtifactRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sage_v1_Artifact__Output>): grpc.ClientUnaryCall;
  getArtifact(argument: _sage_v1_GetArtifactRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sage_v1_Artifact__Output>): grpc.ClientUnaryCall;
  getArtifact(argument: _sage_v1_GetArtifactRequest, callback: grpc.requestCallback<_sage_v1_Artifact__Output>): grpc.ClientUnaryCall;
  
  GetJob(argument: _sage_v1_GetJobRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sage_v1_JobDetails__Output>): grpc.ClientUnaryCall;
  GetJob(argument: _sage_v1_GetJobRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sage_v1_JobDetails__Output>): grpc.ClientUnaryCall;
  GetJob(argument: _sage_v1_GetJobRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sage_v1_JobDetails__Output>): grpc.ClientUnaryCall;
  GetJob(argument: _sage_v1_GetJobRequest, callback: grpc.requestCallback<_sage_v1_JobDetails__Output>): grpc.ClientUnaryCall;
  getJob(argument: _sage_v1_GetJobRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sage_v1_JobDetails__Output>): grpc.ClientUnaryCall;
  getJob(argument: _sage_v1_GetJobRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sage_v1_JobDetails__Output>): grpc.ClientUnaryCall;
  getJob(argument: _sage_v1_GetJobRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sage_v1_JobDetails__Output>): grpc.ClientUnaryCall;
  getJob(argument: _sage_v1_GetJobRequest, callback: grpc.requestCallback<_sage_v1_JobDetails__Output>): grpc.ClientUnaryCall;
  
  Heartbeat(argument: _sage_v1_HeartbeatRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sage_v1_HeartbeatResponse__Output>): grpc.ClientUnaryCall;
  Heartbeat(argument: _sage_v1_HeartbeatRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sage_v1_HeartbeatResponse__Output>): grpc.ClientUnaryCall;
  Heartbeat(argument: _sage_v1_HeartbeatRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sage_v1_HeartbeatResponse__Output>): grpc.ClientUnaryCall;
  Heartbeat(argument: _sage_v1_HeartbeatRequest, callback: grpc.requestCallback<_sage_v1_HeartbeatResponse__Output>): grpc.ClientUnaryCall;
  heartbeat(argument: _sage_v1_HeartbeatRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sage_v1_HeartbeatResponse__Output>): grpc.ClientUnaryCall;
  heartbeat(argument: _sage_v1_HeartbeatRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sage_v1_HeartbeatResponse__Output>): grpc.ClientUnaryCall;
  heartbeat(argument: _sage_v1_HeartbeatRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sage_v1_HeartbeatResponse__Output>): grpc.ClientUnaryCall;
  heartbeat(argument: _sage_v1_HeartbeatRequest, callback: grpc.requestCallback<_sage_v1_HeartbeatResponse__Output>): grpc.ClientUnaryCall;
  
  ListJobs(argument: _sage_v1_ListJobsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sage_v1_ListJobsResponse__Output>): grpc.ClientUnaryCall;
  ListJobs(argument: _sage_v1_ListJobsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sage_v1_ListJobsResponse__Output>): grpc.ClientUnaryCall;
  ListJobs(argument: _sage_v1_ListJobsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sage_v1_ListJobsResponse__Output>): grpc.ClientUnaryCall;
  ListJobs(argument: _sage_v1_ListJobsRequest, callback: grpc.requestCallback<_sage_v1_ListJobsResponse__Output>): grpc.ClientUnaryCall;
  listJobs(argument: _sage_v1_ListJobsRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sage_v1_ListJobsResponse__Output>): grpc.ClientUnaryCall;
  listJobs(argument: _sage_v1_ListJobsRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sage_v1_ListJobsResponse__Output>): grpc.ClientUnaryCall;
  listJobs(argument: _sage_v1_ListJobsRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sage_v1_ListJobsResponse__Output>): grpc.ClientUnaryCall;
  listJobs(argument: _sage_v1_ListJobsRequest, callback: grpc.requestCallback<_sage_v1_ListJobsResponse__Output>): grpc.ClientUnaryCall;
  
  RegisterTaskManager(argument: _sage_v1_RegisterTaskManagerRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sage_v1_RegisterTaskManagerResponse__Output>): grpc.ClientUnaryCall;
  RegisterTaskManager(argument: _sage_v1_RegisterTaskManagerRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sage_v1_RegisterTaskManagerResponse__Output>): grpc.ClientUnaryCall;
  RegisterTaskManager(argument: _sage_v1_RegisterTaskManagerRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sage_v1_RegisterTaskManagerResponse__Output>): grpc.ClientUnaryCall;
  RegisterTaskManager(argument: _sage_v1_RegisterTaskManagerRequest, callback: grpc.requestCallback<_sage_v1_RegisterTaskManagerResponse__Output>): grpc.ClientUnaryCall;
  registerTaskManager(argument: _sage_v1_RegisterTaskManagerRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sage_v1_RegisterTaskManagerResponse__Output>): grpc.ClientUnaryCall;
  registerTaskManager(argument: _sage_v1_RegisterTaskManagerRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sage_v1_RegisterTaskManagerResponse__Output>): grpc.ClientUnaryCall;
  registerTaskManager(argument: _sage_v1_RegisterTaskManagerRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sage_v1_RegisterTaskManagerResponse__Output>): grpc.ClientUnaryCall;
  registerTaskManager(argument: _sage_v1_RegisterTaskManagerRequest, callback: grpc.requestCallback<_sage_v1_RegisterTaskManagerResponse__Output>): grpc.ClientUnaryCall;
  
  SubmitJob(argument: _sage_v1_SubmitJobRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sage_v1_SubmitJobResponse__Output>): grpc.ClientUnaryCall;
  SubmitJob(argument: _sage_v1_SubmitJobRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sage_v1_SubmitJobResponse__Output>): grpc.ClientUnaryCall;
  SubmitJob(argument: _sage_v1_SubmitJobRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sage_v1_SubmitJobResponse__Output>): grpc.ClientUnaryCall;
  SubmitJob(argument: _sage_v1_SubmitJobRequest, callback: grpc.requestCallback<_sage_v1_SubmitJobResponse__Output>): grpc.ClientUnaryCall;
  submitJob(argument: _sage_v1_SubmitJobRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sage_v1_SubmitJobResponse__Output>): grpc.ClientUnaryCall;
  submitJob(argument: _sage_v1_SubmitJobRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sage_v1_SubmitJobResponse__Output>): grpc.ClientUnaryCall;
  submitJob(argument: _sage_v1_SubmitJobRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sage_v1_SubmitJobResponse__Output>): grpc.ClientUnaryCall;
  submitJob(argument: _sage_v1_SubmitJobRequest, callback: grpc.requestCallback<_sage_v1_SubmitJobResponse__Output>): grpc.ClientUnaryCall;
  
  TriggerSavepoint(argument: _sage_v1_TriggerSavepointRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sage_v1_TriggerSavepointResponse__Output>): grpc.ClientUnaryCall;
  TriggerSavepoint(argument: _sage_v1_TriggerSavepointRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sage_v1_TriggerSavepointResponse__Output>): grpc.ClientUnaryCall;
  TriggerSavepoint(argument: _sage_v1_TriggerSavepointRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sage_v1_TriggerSavepointResponse__Output>): grpc.ClientUnaryCall;
  TriggerSavepoint(argument: _sage_v1_TriggerSavepointRequest, callback: grpc.requestCallback<_sage_v1_TriggerSavepointResponse__Output>): grpc.ClientUnaryCall;
  triggerSavepoint(argument: _sage_v1_TriggerSavepointRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sage_v1_TriggerSavepointResponse__Output>): grpc.ClientUnaryCall;
  triggerSavepoint(argument: _sage_v1_TriggerSavepointRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sage_v1_TriggerSavepointResponse__Output>): grpc.ClientUnaryCall;
  triggerSavepoint(argument: _sage_v1_TriggerSavepointRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sage_v1_TriggerSavepointResponse__Output>): grpc.ClientUnaryCall;
  triggerSavepoint(argument: _sage_v1_TriggerSavepointRequest, callback: grpc.requestCallback<_sage_v1_TriggerSavepointResponse__Output>): grpc.ClientUnaryCall;
  
  UpdateTaskExecutionState(argument: _sage_v1_TaskExecutionStateUpdate, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sage_v1_Empty__Output>): grpc.ClientUnaryCall;
  UpdateTaskExecutionState(argument: _sage_v1_TaskExecutionStateUpdate, metadata: grpc.Metadata, callback: grpc.requestCallback<_sage_v1_Empty__Output>): grpc.ClientUnaryCall;
  UpdateTaskExecutionState(argument: _sage_v1_TaskExecutionStateUpdate, options: grpc.CallOptions, callback: grpc.requestCallback<_sage_v1_Empty__Output>): grpc.ClientUnaryCall;
  UpdateTaskExecutionState(argument: _sage_v1_TaskExecutionStateUpdate, callback: grpc.requestCallback<_sage_v1_Empty__Output>): grpc.ClientUnaryCall;
  updateTaskExecutionState(argument: _sage_v1_TaskExecutionStateUpdate, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sage_v1_Empty__Output>): grpc.ClientUnaryCall;
  updateTaskExecutionState(argument: _sage_v1_TaskExecutionStateUpdate, metadata: grpc.Metadata, callback: grpc.requestCallback<_sage_v1_Empty__Output>): grpc.ClientUnaryCall;
  updateTaskExecutionState(argument: _sage_v1_TaskExecutionStateUpdate, options: grpc.CallOptions, callback: grpc.requestCallback<_sage_v1_Empty__Output>): grpc.ClientUnaryCall;
  updateTaskExecutionState(argument: _sage_v1_TaskExecutionStateUpdate, callback: grpc.requestCallback<_sage_v1_Empty__Output>): grpc.ClientUnaryCall;
  
}

export interface JobManagerHandlers extends grpc.UntypedServiceImplementation {
  AcknowledgeCheckpoint: grpc.handleUnaryCall<_sage_v1_CheckpointAcknowledgement__Output, _sage_v1_Empty>;
  
  CancelJob: grpc.handleUnaryCall<_sage_v1_CancelJobRequest__Output, _sage_v1_CancelJobResponse>;
  
  DeclineCheckpoint: grpc.handleUnaryCall<_sage_v1_CheckpointDecline__Output, _sage_v1_Empty>;
  
  GetArtifact: grpc.handleUnaryCall<_sage_v1_GetArtifactRequest__Output, _sage_v1_Artifact>;
  
  GetJob: grpc.handleUnaryCall<_sage_v1_GetJobRequest__Output, _sage_v1_JobDetails>;
  
  Heartbeat: grpc.handleUnaryCall<_sage_v1_HeartbeatRequest__Output, _sage_v1_HeartbeatResponse>;
  
  ListJobs: grpc.handleUnaryCall<_sage_v1_ListJobsRequest__Output, _sage_v1_ListJobsResponse>;
  
  RegisterTaskManager: grpc.handleUnaryCall<_sage_v1_RegisterTaskManagerRequest__Output, _sage_v1_RegisterTaskManagerResponse>;
  
  SubmitJob: grpc.handleUnaryCall<_sage_v1_SubmitJobRequest__Output, _sage_v1_SubmitJobResponse>;
  
  TriggerSavepoint: grpc.handleUnaryCall<_sage_v1_TriggerSavepointRequest__Output, _sage_v1_TriggerSavepointResponse>;
  
  UpdateTaskExecutionState: grpc.handleUnaryCall<_sage_v1_TaskExecutionStateUpdate__Output, _sage_v1_Empty>;
  
}

export interface JobManagerDefinition extends grpc.ServiceDefinition {
  AcknowledgeCheckpoint: MethodDefinition<_sage_v1_CheckpointAcknowledgement, _sage_v1_Empty, _sage_v1_CheckpointAcknowledgement__Output, _sage_v1_Empty__Output>
  CancelJob: MethodDefinition<_sage_v1_CancelJobRequest, _sage_v1_CancelJobResponse, _sage_v1_CancelJobRequest__Output, _sage_v1_CancelJobResponse__Output>
  DeclineCheckpoint: MethodDefinition<_sage_v1_CheckpointDecline, _sage_v1_Empty, _sage_v1_CheckpointDecline__Output, _sage_v1_Empty__Output>
  GetArtifact: MethodDefinition<_sage_v1_GetArtifactRequest, _sage_v1_Artifact, _sage_v1_GetArtifactRequest__Output, _sage_v1_Artifact__Output>
  GetJob: MethodDefinition<_sage_v1_GetJobRequest, _sage_v1_JobDetails, _sage_v1_GetJobRequest__Output, _sage_v1_JobDetails__Output>
  Heartbeat: MethodDefinition<_sage_v1_HeartbeatRequest, _sage_v1_HeartbeatResponse, _sage_v1_HeartbeatRequest__Output, _sage_v1_HeartbeatResponse__Output>
  ListJobs: MethodDefinition<_sage_v1_ListJobsRequest, _sage_v1_ListJobsResponse, _sage_v1_ListJobsRequest__Output, _sage_v1_ListJobsResponse__Output>
  RegisterTaskManager: MethodDefinition<_sage_v1_RegisterTaskManagerRequest, _sage_v1_RegisterTaskManagerResponse, _sage_v1_RegisterTaskManagerRequest__Output, _sage_v1_RegisterTaskManagerResponse__Output>
  SubmitJob: MethodDefinition<_sage_v1_SubmitJobRequest, _sage_v1_SubmitJobResponse, _sage_v1_SubmitJobRequest__Output, _sage_v1_SubmitJobResponse__Output>
  TriggerSavepoint: MethodDefinition<_sage_v1_TriggerSavepointRequest, _sage_v1_TriggerSavepointResponse, _sage_v1_TriggerSavepointRequest__Output, _sage_v1_TriggerSavepointResponse__Output>
  UpdateTaskExecutionState: MethodDefinition<_sage_v1_TaskExecutionStateUpdate, _sage_v1_Empty, _sage_v1_TaskExecutionStateUpdate__Output, _sage_v1_Empty__Output>
}
