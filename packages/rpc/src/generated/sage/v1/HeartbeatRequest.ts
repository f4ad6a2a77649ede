// Original file: ../../proto/sage/v1/jobmanager.proto

import type { TaskMetricsReport as _sage_v1_TaskMetricsReport, TaskMetricsReport__Output as _sage_v1_TaskMetricsReport__Output } from '../../sage/v1/TaskMetricsReport.js';

export interface HeartbeatRequest {
  'taskManagerId'?: (string);
  'tasks'?: (_sage_v1_TaskMetricsReport)[];
}

export interface HeartbeatRequest__Output {
  'taskManagerId': (string);
  'tasks': (_sage_v1_TaskMetricsReport__Output)[];
}
