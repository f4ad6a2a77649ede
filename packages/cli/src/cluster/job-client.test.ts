import type { JobDetails__Output } from '@sage/rpc';
import { describe, expect, it } from 'vitest';
import { jobStatusJson } from './job-client.js';

function details(overrides: Partial<JobDetails__Output>): JobDetails__Output {
  return {
    summary: { jobId: 'a1b2', jobName: 'wc', state: 'RESTARTING', submittedAt: 1000, endedAt: 0, tasksTotal: 2, tasksRunning: 0, tasksFinished: 0 },
    stateTimestamps: { CREATED: 1000, RUNNING: 1100, RESTARTING: 5000 },
    failure: null,
    tasks: [],
    attempt: 3,
    restarts: 0,
    lastCheckpoint: null,
    checkpointsCompleted: 0,
    checkpointsFailed: 0,
    restoredCheckpointId: 0,
    ...overrides,
  } as JobDetails__Output;
}

describe('sage status --json', () => {
  it('includes restarts, checkpoint counts, the last checkpoint and the restored checkpoint', () => {
    const status = jobStatusJson(
      details({
        restarts: 2,
        checkpointsCompleted: 14,
        checkpointsFailed: 1,
        lastCheckpoint: { checkpointId: 14, timestamp: 4000, durationMs: 120, stateSize: 1536, savepoint: true },
        restoredCheckpointId: 7,
      }),
    );
    expect(status.state).toBe('RESTARTING');
    expect(status.restarts).toBe(2);
    expect(status.checkpoints).toEqual({ completed: 14, failed: 1, last: { id: 14, timestamp: 4000, durationMs: 120, stateSize: 1536, savepoint: true } });
    expect(status.restoredCheckpointId).toBe(7);
  });

  it('gives null for a job that has completed no checkpoint and restored none', () => {
    const status = jobStatusJson(details({}));
    expect(status.checkpoints).toEqual({ completed: 0, failed: 0, last: null });
    expect(status.restoredCheckpointId).toBeNull();
  });
});
