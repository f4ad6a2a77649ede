// Original file: ../../proto/sage/v1/taskmanager.proto

import type * as grpc from '@grpc/grpc-js'
import type { MethodDefinition } from '@grpc/proto-loader'
import type { CancelTaskRequest as _sage_v1_CancelTaskRequest, CancelTaskRequest__Output as _sage_v1_CancelTaskRequest__Output } from '../../sage/v1/CancelTaskRequest.js';
import type { CheckpointNotification as _sage_v1_CheckpointNotification, CheckpointNotification__Output as _sage_v1_CheckpointNotification__Output } from '../../sage/v1/CheckpointNotification.js';
import type { Empty as _sage_v1_Empty, Empty__Output as _sage_v1_Empty__Output } from '../../sage/v1/Empty.js';
import type { ReleaseJobRequest as _sage_v1_ReleaseJobRequest, ReleaseJobRequest__Output as _sage_v1_ReleaseJobRequest__Output } from '../../sage/v1/ReleaseJobRequest.js';
import type { TaskDeploymentDescriptor as _sage_v1_TaskDeploymentDescriptor, TaskDeploymentDescriptor__Output as _sage_v1_TaskDeploymentDescriptor__Output } from '../../sage/v1/TaskDeploymentDescriptor.js';
import type { TriggerCheckpointRequest as _sage_v1_TriggerCheckpointRequest, TriggerCheckpointRequest__Output as _sage_v1_TriggerCheckpointRequest__Output } from '../../sage/v1/TriggerCheckpointRequest.js';

export interface TaskManagerClient extends grpc.Client {
  CancelTask(argument: _sage_v1_CancelTaskRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sage_v1_Empty__Output>): grpc.ClientUnaryCall;
  CancelTask(argument: _sage_v1_CancelTaskRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sage_v1_Empty__Output>): grpc.ClientUnaryCall;
  CancelTask(argument: _sage_v1_CancelTaskRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sage_v1_Empty__Output>): grpc.ClientUnaryCall;
  CancelTask(argument: _sage_v1_CancelTaskRequest, callback: grpc.requestCallback<_sage_v1_Empty__Output>): grpc.ClientUnaryCall;
  cancelTask(argument: _sage_v1_CancelTaskRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sage_v1_Empty__Output>): grpc.ClientUnaryCall;
  cancelTask(argument: _sage_v1_CancelTaskRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sage_v1_Empty__Output>): grpc.ClientUnaryCall;
  cancelTask(argument: _sage_v1_CancelTaskRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sage_v1_Empty__Output>): grpc.ClientUnaryCall;
  cancelTask(argument: _sage_v1_CancelTaskRequest, callback: grpc.requestCallback<_sage_v1_Empty__Output>): grpc.ClientUnaryCall;
  
  DeployTask(argument: _sage_v1_TaskDeploymentDescriptor, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sage_v1_Empty__Output>): grpc.ClientUnaryCall;
  DeployTask(argument: _sage_v1_TaskDeploymentDescriptor, metadata: grpc.Metadata, callback: grpc.requestCallback<_sage_v1_Empty__Output>): grpc.ClientUnaryCall;
  DeployTask(argument: _sage_v1_TaskDeploymentDescriptor, options: grpc.CallOptions, callback: grpc.requestCallback<_sage_v1_Empty__Output>): grpc.ClientUnaryCall;
  DeployTask(argument: _sage_v1_TaskDeploymentDescriptor, callback: grpc.requestCallback<_sage_v1_Empty__Output>): grpc.ClientUnaryCall;
  deployTask(argument: _sage_v1_TaskDeploymentDescriptor, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sage_v1_Empty__Output>): grpc.ClientUnaryCall;
  deployTask(argument: _sage_v1_TaskDeploymentDescriptor, metadata: grpc.Metadata, callback: grpc.requestCallback<_sage_v1_Empty__Output>): grpc.ClientUnaryCall;
  deployTask(argument: _sage_v1_TaskDeploymentDescriptor, options: grpc.CallOptions, callback: grpc.requestCallback<_sage_v1_Empty__Output>): grpc.ClientUnaryCall;
  deployTask(argument: _sage_v1_TaskDeploymentDescriptor, callback: grpc.requestCallback<_sage_v1_Empty__Output>): grpc.ClientUnaryCall;
  
  NotifyCheckpointAborted(argument: _sage_v1_CheckpointNotification, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sage_v1_Empty__Output>): grpc.ClientUnaryCall;
  NotifyCheckpointAborted(argument: _sage_v1_CheckpointNotification, metadata: grpc.Metadata, callback: grpc.requestCallback<_sage_v1_Empty__Output>): grpc.ClientUnaryCall;
  NotifyCheckpointAborted(argument: _sage_v1_CheckpointNotification, options: grpc.CallOptions, callback: grpc.requestCallback<_sage_v1_Empty__Output>): grpc.ClientUnaryCall;
  NotifyCheckpointAborted(argument: _sage_v1_CheckpointNotification, callback: grpc.requestCallback<_sage_v1_Empty__Output>): grpc.ClientUnaryCall;
  notifyCheckpointAborted(argument: _sage_v1_CheckpointNotification, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sage_v1_Empty__Output>): grpc.ClientUnaryCall;
  notifyCheckpointAborted(argument: _sage_v1_CheckpointNotification, metadata: grpc.Metadata, callback: grpc.requestCallback<_sage_v1_Empty__Output>): grpc.ClientUnaryCall;
  notifyCheckpointAborted(argument: _sage_v1_CheckpointNotification, options: grpc.CallOptions, callback: grpc.requestCallback<_sage_v1_Empty__Output>): grpc.ClientUnaryCall;
  notifyCheckpointAborted(argument: _sage_v1_CheckpointNotification, callback: grpc.requestCallback<_sage_v1_Empty__Output>): grpc.ClientUnaryCall;
  
  NotifyCheckpointComplete(argument: _sage_v1_CheckpointNotification, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sage_v1_Empty__Output>): grpc.ClientUnaryCall;
  NotifyCheckpointComplete(argument: _sage_v1_CheckpointNotification, metadata: grpc.Metadata, callback: grpc.requestCallback<_sage_v1_Empty__Output>): grpc.ClientUnaryCall;
  NotifyCheckpointComplete(argument: _sage_v1_CheckpointNotification, options: grpc.CallOptions, callback: grpc.requestCallback<_sage_v1_Empty__Output>): grpc.ClientUnaryCall;
  NotifyCheckpointComplete(argument: _sage_v1_CheckpointNotification, callback: grpc.requestCallback<_sage_v1_Empty__Output>): grpc.ClientUnaryCall;
  notifyCheckpointComplete(argument: _sage_v1_CheckpointNotification, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sage_v1_Empty__Output>): grpc.ClientUnaryCall;
  notifyCheckpointComplete(argument: _sage_v1_CheckpointNotification, metadata: grpc.Metadata, callback: grpc.requestCallback<_sage_v1_Empty__Output>): grpc.ClientUnaryCall;
  notifyCheckpointComplete(argument: _sage_v1_CheckpointNotification, options: grpc.CallOptions, callback: grpc.requestCallback<_sage_v1_Empty__Output>): grpc.ClientUnaryCall;
  notifyCheckpointComplete(argument: _sage_v1_CheckpointNotification, callback: grpc.requestCallback<_sage_v1_Empty__Output>): grpc.ClientUnaryCall;
  
  ReleaseJob(argument: _sage_v1_ReleaseJobRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sage_v1_Empty__Output>): grpc.ClientUnaryCall;
  ReleaseJob(argument: _sage_v1_ReleaseJobRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sage_v1_Empty__Output>): grpc.ClientUnaryCall;
  ReleaseJob(argument: _sage_v1_ReleaseJobRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sage_v1_Empty__Output>): grpc.ClientUnaryCall;
  ReleaseJob(argument: _sage_v1_ReleaseJobRequest, callback: grpc.requestCallback<_sage_v1_Empty__Output>): grpc.ClientUnaryCall;
  releaseJob(argument: _sage_v1_ReleaseJobRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sage_v1_Empty__Output>): grpc.ClientUnaryCall;
  releaseJob(argument: _sage_v1_ReleaseJobRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sage_v1_Empty__Output>): grpc.ClientUnaryCall;
  releaseJob(argument: _sage_v1_ReleaseJobRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sage_v1_Empty__Output>): grpc.ClientUnaryCall;
  releaseJob(argument: _sage_v1_ReleaseJobRequest, callback: grpc.requestCallback<_sage_v1_Empty__Output>): grpc.ClientUnaryCall;
  
  TriggerCheckpoint(argument: _sage_v1_TriggerCheckpointRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sage_v1_Empty__Output>): grpc.ClientUnaryCall;
  TriggerCheckpoint(argument: _sage_v1_TriggerCheckpointRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sage_v1_Empty__Output>): grpc.ClientUnaryCall;
  TriggerCheckpoint(argument: _sage_v1_TriggerCheckpointRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sage_v1_Empty__Output>): grpc.ClientUnaryCall;
  TriggerCheckpoint(argument: _sage_v1_TriggerCheckpointRequest, callback: grpc.requestCallback<_sage_v1_Empty__Output>): grpc.ClientUnaryCall;
  triggerCheckpoint(argument: _sage_v1_TriggerCheckpointRequest, metadata: grpc.Metadata, options: grpc.CallOptions, callback: grpc.requestCallback<_sage_v1_Empty__Output>): grpc.ClientUnaryCall;
  triggerCheckpoint(argument: _sage_v1_TriggerCheckpointRequest, metadata: grpc.Metadata, callback: grpc.requestCallback<_sage_v1_Empty__Output>): grpc.ClientUnaryCall;
  triggerCheckpoint(argument: _sage_v1_TriggerCheckpointRequest, options: grpc.CallOptions, callback: grpc.requestCallback<_sage_v1_Empty__Output>): grpc.ClientUnaryCall;
  triggerCheckpoint(argument: _sage_v1_TriggerCheckpointRequest, callback: grpc.requestCallback<_sage_v1_Empty__Output>): grpc.ClientUnaryCall;
  
}

export interface TaskManagerHandlers extends grpc.UntypedServiceImplementation {
  CancelTask: grpc.handleUnaryCall<_sage_v1_CancelTaskRequest__Output, _sage_v1_Empty>;
  
  DeployTask: grpc.handleUnaryCall<_sage_v1_TaskDeploymentDescriptor__Output, _sage_v1_Empty>;
  
  NotifyCheckpointAborted: grpc.handleUnaryCall<_sage_v1_CheckpointNotification__Output, _sage_v1_Empty>;
  
  NotifyCheckpointComplete: grpc.handleUnaryCall<_sage_v1_CheckpointNotification__Output, _sage_v1_Empty>;
  
  ReleaseJob: grpc.handleUnaryCall<_sage_v1_ReleaseJobRequest__Output, _sage_v1_Empty>;
  
  TriggerCheckpoint: grpc.handleUnaryCall<_sage_v1_TriggerCheckpointRequest__Output, _sage_v1_Empty>;
  
}

export interface TaskManagerDefinition extends grpc.ServiceDefinition {
  CancelTask: MethodDefinition<_sage_v1_CancelTaskRequest, _sage_v1_Empty, _sage_v1_CancelTaskRequest__Output, _sage_v1_Empty__Output>
  DeployTask: MethodDefinition<_sage_v1_TaskDeploymentDescriptor, _sage_v1_Empty, _sage_v1_TaskDeploymentDescriptor__Output, _sage_v1_Empty__Output>
  NotifyCheckpointAborted: MethodDefinition<_sage_v1_CheckpointNotification, _sage_v1_Empty, _sage_v1_CheckpointNotification__Output, _sage_v1_Empty__Output>
  NotifyCheckpointComplete: MethodDefinition<_sage_v1_CheckpointNotification, _sage_v1_Empty, _sage_v1_CheckpointNotification__Output, _sage_v1_Empty__Output>
  ReleaseJob: MethodDefinition<_sage_v1_ReleaseJobRequest, _sage_v1_Empty, _sage_v1_ReleaseJobRequest__Output, _sage_v1_Empty__Output>
  TriggerCheckpoint: MethodDefinition<_sage_v1_TriggerCheckpointRequest, _sage_v1_Empty, _sage_v1_TriggerCheckpointRequest__Output, _sage_v1_Empty__Output>
}
