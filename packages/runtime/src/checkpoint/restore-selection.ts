/**
 * Picks the checkpoint a job restarts from: the newest completed one whose metadata reads back intact
 * and whose every state blob can be read and matches its checksum. A damaged checkpoint is skipped with
 * a log line naming it and the restore falls back to the next older one; the caller learns which were
 * skipped and why, because falling back repeats the output sinks committed after the older checkpoint.
 * A job that asks to fail instead (onCorruptCheckpoint: 'fail') gets an error naming the checkpoint.
 */
import { SageError, type CorruptCheckpointPolicy } from '@sage/core';
import { CorruptCheckpoint, type CheckpointStorage, type CompletedCheckpoint, type UnreadableCheckpoint } from './checkpoint-storage.js';

export interface RestoreLog {
  warn(fields: object, message: string): void;
}

export class NoUsableCheckpoint extends SageError {
  constructor(message: string) {
    super('NoUsableCheckpoint', message);
  }
}

/** The newest checkpoint is damaged and the job chose to fail rather than fall back. */
export class CorruptCheckpointNotRestored extends SageError {
  constructor(
    message: string,
    readonly checkpointId: number,
  ) {
    super('CorruptCheckpointNotRestored', message);
  }
}

/** A checkpoint passed over by a restore, and why. */
export interface SkippedCheckpoint {
  readonly checkpointId: number;
  readonly problem: string;
}

export interface RestoreChoice {
  /** Undefined when the job has no checkpoint at all. */
  readonly checkpoint: CompletedCheckpoint | undefined;
  /** Damaged checkpoints newer than the chosen one, newest first; empty when the newest was usable. */
  readonly skipped: readonly SkippedCheckpoint[];
}

export async function selectRestoreCheckpoint(
  storage: CheckpointStorage,
  jobId: string,
  log: RestoreLog,
  policy: CorruptCheckpointPolicy = 'fall-back',
): Promise<RestoreChoice> {
  const unreadable: UnreadableCheckpoint[] = [];
  const readable = await storage.listCheckpoints(jobId, (entry) => unreadable.push(entry));
  const candidates: { readonly checkpointId: number; readonly checkpoint?: CompletedCheckpoint; readonly problem?: string }[] = [
    ...readable.map((checkpoint) => ({ checkpointId: checkpoint.checkpointId, checkpoint })),
    ...unreadable,
  ].sort((a, b) => b.checkpointId - a.checkpointId);
  const skipped: SkippedCheckpoint[] = [];
  for (const candidate of candidates) {
    const problem = candidate.problem ?? (await verifyCheckpoint(storage, candidate.checkpoint!));
    if (problem === undefined) {
      if (skipped.length > 0) log.warn({ job: jobId, checkpoint: candidate.checkpointId }, `Restoring from checkpoint ${candidate.checkpointId} instead`);
      return { checkpoint: candidate.checkpoint!, skipped };
    }
    const { checkpointId } = candidate;
    if (policy === 'fail') {
      log.warn({ job: jobId, checkpoint: checkpointId, problem }, `Checkpoint ${checkpointId} of job ${jobId} cannot be restored (${problem}); the job does not fall back`);
      const older = readable.filter((c) => c.checkpointId < checkpointId).map((c) => c.checkpointId);
      throw new CorruptCheckpointNotRestored(
        `Checkpoint ${checkpointId} of job ${jobId} cannot be restored: ${problem}. The job sets onCorruptCheckpoint: 'fail', so it does not fall back to an ` +
          `older checkpoint (that would repeat the output committed after it)${older.length > 0 ? `; older checkpoints: ${older.join(', ')}` : ''} — ` +
          `resume with 'sage run … --from-savepoint ${jobId}/<checkpoint id>', or set enableCheckpointing(ms, { onCorruptCheckpoint: 'fall-back' })`,
        checkpointId,
      );
    }
    skipped.push({ checkpointId, problem });
    log.warn(
      { job: jobId, checkpoint: checkpointId, problem },
      `Checkpoint ${checkpointId} of job ${jobId} cannot be restored (${problem}); falling back to an older checkpoint`,
    );
  }
  if (skipped.length > 0) {
    throw new NoUsableCheckpoint(
      `No usable checkpoint for job ${jobId}: ${skipped.map((s) => `checkpoint ${s.checkpointId}: ${s.problem}`).join('; ')} — the state in storage is damaged; restart the job from a savepoint or from scratch`,
    );
  }
  return { checkpoint: undefined, skipped };
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
