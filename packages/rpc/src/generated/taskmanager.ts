import type * as grpc from '@grpc/grpc-js';
import type { EnumTypeDefinition, MessageTypeDefinition } from '@grpc/proto-loader';

import type { Artifact as _sage_v1_Artifact, Artifact__Output as _sage_v1_Artifact__Output } from './sage/v1/Artifact.js';
import type { CancelJobRequest as _sage_v1_CancelJobRequest, CancelJobRequest__Output as _sage_v1_CancelJobRequest__Output } from './sage/v1/CancelJobRequest.js';
import type { CancelJobResponse as _sage_v1_CancelJobResponse, CancelJobResponse__Output as _sage_v1_CancelJobResponse__Output } from './sage/v1/CancelJobResponse.js';
import type { CancelTaskRequest as _sage_v1_CancelTaskRequest, CancelTaskRequest__Output as _sage_v1_CancelTaskRequest__Output } from './sage/v1/CancelTaskRequest.js';
import type { CheckpointAcknowledgement as _sage_v1_CheckpointAcknowledgement, CheckpointAcknowledgement__Output as _sage_v1_CheckpointAcknowledgement__Output } from './sage/v1/CheckpointAcknowledgement.js';
import type { CheckpointDecline as _sage_v1_CheckpointDecline, CheckpointDecline__Output as _sage_v1_CheckpointDecline__Output } from './sage/v1/CheckpointDecline.js';
import type { CheckpointNotification as _sage_v1_CheckpointNotification, CheckpointNotification__Output as _sage_v1_CheckpointNotification__Output } from './sage/v1/CheckpointNotification.js';
import type { CheckpointSummary as _sage_v1_CheckpointSummary, CheckpointSummary__Output as _sage_v1_CheckpointSummary__Output } from './sage/v1/CheckpointSummary.js';
import type { Empty as _sage_v1_Empty, Empty__Output as _sage_v1_Empty__Output } from './sage/v1/Empty.js';
import type { FailureCause as _sage_v1_FailureCause, FailureCause__Output as _sage_v1_FailureCause__Output } from './sage/v1/FailureCause.js';
import type { GetArtifactRequest as _sage_v1_GetArtifactRequest, GetArtifactRequest__Output as _sage_v1_GetArtifactRequest__Output } from './sage/v1/GetArtifactRequest.js';
import type { GetJobRequest as _sage_v1_GetJobRequest, GetJobRequest__Output as _sage_v1_GetJobRequest__Output } from './sage/v1/GetJobRequest.js';
import type { HeartbeatRequest as _sage_v1_HeartbeatRequest, HeartbeatRequest__Output as _sage_v1_HeartbeatRequest__Output } from './sage/v1/HeartbeatRequest.js';
import type { HeartbeatResponse as _sage_v1_HeartbeatResponse, HeartbeatResponse__Output as _sage_v1_HeartbeatResponse__Output } from './sage/v1/HeartbeatResponse.js';
import type { InputChannelDescriptor as _sage_v1_InputChannelDescriptor, InputChannelDescriptor__Output as _sage_v1_InputChannelDescriptor__Output } from './sage/v1/InputChannelDescriptor.js';
import type { JobDetails as _sage_v1_JobDetails, JobDetails__Output as _sage_v1_JobDetails__Output } from './sage/v1/JobDetails.js';
import type { JobException as _sage_v1_JobException, JobException__Output as _sage_v1_JobException__Output } from './sage/v1/JobException.js';
import type { JobManagerClient as _sage_v1_JobManagerClient, JobManagerDefinition as _sage_v1_JobManagerDefinition } from './sage/v1/JobManager.js';
import type { JobSpec as _sage_v1_JobSpec, JobSpec__Output as _sage_v1_JobSpec__Output } from './sage/v1/JobSpec.js';
import type { JobSummary as _sage_v1_JobSummary, JobSummary__Output as _sage_v1_JobSummary__Output } from './sage/v1/JobSummary.js';
import type { ListJobsRequest as _sage_v1_ListJobsRequest, ListJobsRequest__Output as _sage_v1_ListJobsRequest__Output } from './sage/v1/ListJobsRequest.js';
import type { ListJobsResponse as _sage_v1_ListJobsResponse, ListJobsResponse__Output as _sage_v1_ListJobsResponse__Output } from './sage/v1/ListJobsResponse.js';
import type { OutputChannelDescriptor as _sage_v1_OutputChannelDescriptor, OutputChannelDescriptor__Output as _sage_v1_OutputChannelDescriptor__Output } from './sage/v1/OutputChannelDescriptor.js';
import type { RegisterTaskManagerRequest as _sage_v1_RegisterTaskManagerRequest, RegisterTaskManagerRequest__Output as _sage_v1_RegisterTaskManagerRequest__Output } from './sage/v1/RegisterTaskManagerRequest.js';
import type { RegisterTaskManagerResponse as _sage_v1_RegisterTaskManagerResponse, RegisterTaskManagerResponse__Output as _sage_v1_RegisterTaskManagerResponse__Output } from './sage/v1/RegisterTaskManagerResponse.js';
import type { ReleaseJobRequest as _sage_v1_ReleaseJobRequest, ReleaseJobRequest__Output as _sage_v1_ReleaseJobRequest__Output } from './sage/v1/ReleaseJobRequest.js';
import type { SlotWait as _sage_v1_SlotWait, SlotWait__Output as _sage_v1_SlotWait__Output } from './sage/v1/SlotWait.js';
import type { SubmitJobRequest as _sage_v1_SubmitJobRequest, SubmitJobRequest__Output as _sage_v1_SubmitJobRequest__Output } from './sage/v1/SubmitJobRequest.js';
import type { SubmitJobResponse as _sage_v1_SubmitJobResponse, SubmitJobResponse__Output as _sage_v1_SubmitJobResponse__Output } from './sage/v1/SubmitJobResponse.js';
import type { TaskDeploymentDescriptor as _sage_v1_TaskDeploymentDescriptor, TaskDeploymentDescriptor__Output as _sage_v1_TaskDeploymentDescriptor__Output } from './sage/v1/TaskDeploymentDescriptor.js';
import type { TaskDetails as _sage_v1_TaskDetails, TaskDetails__Output as _sage_v1_TaskDetails__Output } from './sage/v1/TaskDetails.js';
import type { TaskExecutionStateUpdate as _sage_v1_TaskExecutionStateUpdate, TaskExecutionStateUpdate__Output as _sage_v1_TaskExecutionStateUpdate__Output } from './sage/v1/TaskExecutionStateUpdate.js';
import type { TaskManagerClient as _sage_v1_TaskManagerClient, TaskManagerDefinition as _sage_v1_TaskManagerDefinition } from './sage/v1/TaskManager.js';
import type { TaskMetricsReport as _sage_v1_TaskMetricsReport, TaskMetricsReport__Output as _sage_v1_TaskMetricsReport__Output } from './sage/v1/TaskMetricsReport.js';
import type { TriggerCheckpointRequest as _sage_v1_TriggerCheckpointRequest, TriggerCheckpointRequest__Output as _sage_v1_TriggerCheckpointRequest__Output } from './sage/v1/TriggerCheckpointRequest.js';
import type { TriggerSavepointRequest as _sage_v1_TriggerSavepointRequest, TriggerSavepointRequest__Output as _sage_v1_TriggerSavepointRequest__Output } from './sage/v1/TriggerSavepointRequest.js';
import type { TriggerSavepointResponse as _sage_v1_TriggerSavepointResponse, TriggerSavepointResponse__Output as _sage_v1_TriggerSavepointResponse__Output } from './sage/v1/TriggerSavepointResponse.js';

type SubtypeConstructor<Constructor extends new (...args: any) => any, Subtype> = {
  new(...args: ConstructorParameters<Constructor>): Subtype;
};

export interface ProtoGrpcType {
  sage: {
    v1: {
      Artifact: MessageTypeDefinition<_sage_v1_Artifact, _sage_v1_Artifact__Output>
      CancelJobRequest: MessageTypeDefinition<_sage_v1_CancelJobRequest, _sage_v1_CancelJobRequest__Output>
      CancelJobResponse: MessageTypeDefinition<_sage_v1_CancelJobResponse, _sage_v1_CancelJobResponse__Output>
      CancelTaskRequest: MessageTypeDefinition<_sage_v1_CancelTaskRequest, _sage_v1_CancelTaskRequest__Output>
      CheckpointAcknowledgement: MessageTypeDefinition<_sage_v1_CheckpointAcknowledgement, _sage_v1_CheckpointAcknowledgement__Output>
      CheckpointDecline: MessageTypeDefinition<_sage_v1_CheckpointDecline, _sage_v1_CheckpointDecline__Output>
      CheckpointNotification: MessageTypeDefinition<_sage_v1_CheckpointNotification, _sage_v1_CheckpointNotification__Output>
      CheckpointSummary: MessageTypeDefinition<_sage_v1_CheckpointSummary, _sage_v1_CheckpointSummary__Output>
      Empty: MessageTypeDefinition<_sage_v1_Empty, _sage_v1_Empty__Output>
      ExecutionState: EnumTypeDefinition
      FailureCause: MessageTypeDefinition<_sage_v1_FailureCause, _sage_v1_FailureCause__Output>
      GetArtifactRequest: MessageTypeDefinition<_sage_v1_GetArtifactRequest, _sage_v1_GetArtifactRequest__Output>
      GetJobRequest: MessageTypeDefinition<_sage_v1_GetJobRequest, _sage_v1_GetJobRequest__Output>
      HeartbeatRequest: MessageTypeDefinition<_sage_v1_HeartbeatRequest, _sage_v1_HeartbeatRequest__Output>
      HeartbeatResponse: MessageTypeDefinition<_sage_v1_HeartbeatResponse, _sage_v1_HeartbeatResponse__Output>
      InputChannelDescriptor: MessageTypeDefinition<_sage_v1_InputChannelDescriptor, _sage_v1_InputChannelDescriptor__Output>
      JobDetails: MessageTypeDefinition<_sage_v1_JobDetails, _sage_v1_JobDetails__Output>
      JobException: MessageTypeDefinition<_sage_v1_JobException, _sage_v1_JobException__Output>
      JobExceptionOutcome: EnumTypeDefinition
      JobManager: SubtypeConstructor<typeof grpc.Client, _sage_v1_JobManagerClient> & { service: _sage_v1_JobManagerDefinition }
      JobSpec: MessageTypeDefinition<_sage_v1_JobSpec, _sage_v1_JobSpec__Output>
      JobSummary: MessageTypeDefinition<_sage_v1_JobSummary, _sage_v1_JobSummary__Output>
      ListJobsRequest: MessageTypeDefinition<_sage_v1_ListJobsRequest, _sage_v1_ListJobsRequest__Output>
      ListJobsResponse: MessageTypeDefinition<_sage_v1_ListJobsResponse, _sage_v1_ListJobsResponse__Output>
      OutputChannelDescriptor: MessageTypeDefinition<_sage_v1_OutputChannelDescriptor, _sage_v1_OutputChannelDescriptor__Output>
      RegisterTaskManagerRequest: MessageTypeDefinition<_sage_v1_RegisterTaskManagerRequest, _sage_v1_RegisterTaskManagerRequest__Output>
      RegisterTaskManagerResponse: MessageTypeDefinition<_sage_v1_RegisterTaskManagerResponse, _sage_v1_RegisterTaskManagerResponse__Output>
      ReleaseJobRequest: MessageTypeDefinition<_sage_v1_ReleaseJobRequest, _sage_v1_ReleaseJobRequest__Output>
      SlotWait: MessageTypeDefinition<_sage_v1_SlotWait, _sage_v1_SlotWait__Output>
      SubmitJobRequest: MessageTypeDefinition<_sage_v1_SubmitJobRequest, _sage_v1_SubmitJobRequest__Output>
      SubmitJobResponse: MessageTypeDefinition<_sage_v1_SubmitJobResponse, _sage_v1_SubmitJobResponse__Output>
      TaskDeploymentDescriptor: MessageTypeDefinition<_sage_v1_TaskDeploymentDescriptor, _sage_v1_TaskDeploymentDescriptor__Output>
      TaskDetails: MessageTypeDefinition<_sage_v1_TaskDetails, _sage_v1_TaskDetails__Output>
      TaskExecutionStateUpdate: MessageTypeDefinition<_sage_v1_TaskExecutionStateUpdate, _sage_v1_TaskExecutionStateUpdate__Output>
      TaskManager: SubtypeConstructor<typeof grpc.Client, _sage_v1_TaskManagerClient> & { service: _sage_v1_TaskManagerDefinition }
      TaskMetricsReport: MessageTypeDefinition<_sage_v1_TaskMetricsReport, _sage_v1_TaskMetricsReport__Output>
      TriggerCheckpointRequest: MessageTypeDefinition<_sage_v1_TriggerCheckpointRequest, _sage_v1_TriggerCheckpointRequest__Output>
      TriggerSavepointRequest: MessageTypeDefinition<_sage_v1_TriggerSavepointRequest, _sage_v1_TriggerSavepointRequest__Output>
      TriggerSavepointResponse: MessageTypeDefinition<_sage_v1_TriggerSavepointResponse, _sage_v1_TriggerSavepointResponse__Output>
    }
  }
}

