export { sageProtos, protoDirectory, type SageProtos } from './protos.js';
export { CHANNEL_OPTIONS, EXCHANGE_CHANNEL_OPTIONS, MAX_MESSAGE_BYTES } from './channel-options.js';
export {
  RpcError,
  bindServer,
  call,
  createExchangeClient,
  createJobManagerClient,
  createTaskManagerClient,
  shutdownServer,
} from './clients.js';

// Message and service types, generated from proto/ (never written by hand).
export type { ExecutionState } from './generated/sage/v1/ExecutionState.js';
export type { FailureCause, FailureCause__Output } from './generated/sage/v1/FailureCause.js';
export type { Empty__Output } from './generated/sage/v1/Empty.js';
export type { JobManagerClient, JobManagerHandlers } from './generated/sage/v1/JobManager.js';
export type { TaskManagerClient, TaskManagerHandlers } from './generated/sage/v1/TaskManager.js';
export type { ExchangeClient, ExchangeHandlers } from './generated/sage/v1/Exchange.js';
export type { JobSpec, JobSpec__Output } from './generated/sage/v1/JobSpec.js';
export type { SubmitJobRequest__Output } from './generated/sage/v1/SubmitJobRequest.js';
export type { JobSummary, JobSummary__Output } from './generated/sage/v1/JobSummary.js';
export type { JobDetails, JobDetails__Output } from './generated/sage/v1/JobDetails.js';
export type { SlotWait__Output } from './generated/sage/v1/SlotWait.js';
export type { JobException, JobException__Output } from './generated/sage/v1/JobException.js';
export type { TaskDetails } from './generated/sage/v1/TaskDetails.js';
export type { RegisterTaskManagerRequest__Output } from './generated/sage/v1/RegisterTaskManagerRequest.js';
export type { HeartbeatRequest__Output } from './generated/sage/v1/HeartbeatRequest.js';
export type { TaskMetricsReport } from './generated/sage/v1/TaskMetricsReport.js';
export type { TaskExecutionStateUpdate, TaskExecutionStateUpdate__Output } from './generated/sage/v1/TaskExecutionStateUpdate.js';
export type { TaskDeploymentDescriptor, TaskDeploymentDescriptor__Output } from './generated/sage/v1/TaskDeploymentDescriptor.js';
export type { InputChannelDescriptor__Output } from './generated/sage/v1/InputChannelDescriptor.js';
export type { OutputChannelDescriptor__Output } from './generated/sage/v1/OutputChannelDescriptor.js';
export type { CancelTaskRequest__Output } from './generated/sage/v1/CancelTaskRequest.js';
export type { ReleaseJobRequest__Output } from './generated/sage/v1/ReleaseJobRequest.js';
export type { ExchangeRequest, ExchangeRequest__Output } from './generated/sage/v1/ExchangeRequest.js';
export type { ExchangeBuffer, ExchangeBuffer__Output } from './generated/sage/v1/ExchangeBuffer.js';
export type { SubpartitionRequest__Output } from './generated/sage/v1/SubpartitionRequest.js';
export type { CheckpointAcknowledgement, CheckpointAcknowledgement__Output } from './generated/sage/v1/CheckpointAcknowledgement.js';
export type { CheckpointDecline, CheckpointDecline__Output } from './generated/sage/v1/CheckpointDecline.js';
export type { CheckpointNotification__Output } from './generated/sage/v1/CheckpointNotification.js';
export type { TriggerCheckpointRequest__Output } from './generated/sage/v1/TriggerCheckpointRequest.js';
export type { TriggerSavepointRequest__Output } from './generated/sage/v1/TriggerSavepointRequest.js';
export type { TriggerSavepointResponse } from './generated/sage/v1/TriggerSavepointResponse.js';
export type { CheckpointSummary } from './generated/sage/v1/CheckpointSummary.js';
