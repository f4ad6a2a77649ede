/**
 * Picks the checkpoint a job restarts from: the newest completed one whose every state blob can be
 * read and matches its checksum. A missing or corrupt blob makes it fall back to the next older
 * retained checkpoint (with a log line saying so); when none is usable, the error names them all.
 */
import { SageError } from '@sage/core';
import { CorruptCheckpoint, type CheckpointStorage, type CompletedCheckpoint } from './checkpoint-storage.js';

export interface RestoreLog {
  warn(fields: object, message: string): void;
}

export class NoUsableCheckpoint extends SageError {
  constructor(message: string) {
    super('NoUsableCheckpoint', message);
  }
}

export async function latestUsableCheckpoint(
  storage: CheckpointStorage,
  jobId: string,
  log: RestoreLog,
): Promise<CompletedCheckpoint | undefined> {
  const checkpoints = await storage.listCheckpoints(jobId);
  const problems: string[] = [];
  for (const checkpoint of checkpoints) {
    const problem = await verifyCheckpoint(storage, checkpoint);
    if (problem === undefined) {
      if (problems.length > 0) log.warn({ job: jobId, checkpoint: checkpoint.checkpointId }, `Restoring from checkpoint ${checkpoint.checkpointId} instead`);
      return checkpoint;
    }
    problems.push(`checkpoint ${checkpoint.checkpointId}: ${problem}`);
    log.warn(
      { job: jobId, checkpoint: checkpoint.checkpointId, problem },
      `Checkpoint ${checkpoint.checkpointId} of job ${jobId} cannot be restored (${problem}); falling back to an older checkpoint`,
    );
  }
  if (problems.length > 0) {
    throw new NoUsableCheckpoint(
      `No usable checkpoint for job ${jobId}: ${problems.join('; ')} — the state in storage is damaged; restart the job from a savepoint or from scratch`,
    );
  }
  return undefined;
}

/** Undefined when every blob reads back intact, otherwise what is wrong. */
export async function verifyCheckpoint(storage: CheckpointStorage, checkpoint: CompletedCheckpoint): Promise<string | undefined> {
  for (const operator of Object.values(checkpoint.operators)) {
    for (const handle of Object.values(operator.subtasks)) {
      try {
        await storage.readState(handle);
      } catch (error) {
        if (error instanceof CorruptCheckpoint) return error.message;
        throw error;
      }
    }
  }
  return undefined;
}
