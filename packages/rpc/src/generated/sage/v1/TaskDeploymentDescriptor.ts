// Original file: ../../proto/sage/v1/taskmanager.proto

import type { JobSpec as _sage_v1_JobSpec, JobSpec__Output as _sage_v1_JobSpec__Output } from '../../sage/v1/JobSpec.js';
import type { InputChannelDescriptor as _sage_v1_InputChannelDescriptor, InputChannelDescriptor__Output as _sage_v1_InputChannelDescriptor__Output } from '../../sage/v1/InputChannelDescriptor.js';
import type { OutputChannelDescriptor as _sage_v1_OutputChannelDescriptor, OutputChannelDescriptor__Output as _sage_v1_OutputChannelDescriptor__Output } from '../../sage/v1/OutputChannelDescriptor.js';
import type { Long } from '@grpc/proto-loader';

export interface TaskDeploymentDescriptor {
  'jobId'?: (string);
  'attempt'?: (number);
  'spec'?: (_sage_v1_JobSpec | null);
  'vertexId'?: (number);
  'subtaskIndex'?: (number);
  'inputs'?: (_sage_v1_InputChannelDescriptor)[];
  'outputs'?: (_sage_v1_OutputChannelDescriptor)[];
  'restoreStateHandles'?: ({[key: string]: string});
  'restoreCheckpointId'?: (number | string | Long);
}

export interface TaskDeploymentDescriptor__Output {
  'jobId': (string);
  'attempt': (number);
  'spec': (_sage_v1_JobSpec__Output | null);
  'vertexId': (number);
  'subtaskIndex': (number);
  'inputs': (_sage_v1_InputChannelDescriptor__Output)[];
  'outputs': (_sage_v1_OutputChannelDescriptor__Output)[];
  'restoreStateHandles': ({[key: string]: string});
  'restoreCheckpointId': (number);
}
