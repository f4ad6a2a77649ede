/**
 * Where checkpoints live. Tasks write their state blobs as they snapshot (asynchronously, while records
 * keep flowing); the coordinator makes a checkpoint visible in one atomic step once every task has
 * acknowledged, so a restore never sees half a checkpoint. Implementations: Redis for clusters
 * (@sage/checkpoint-redis), the file system for local runs.
 */
import { SageError } from '@sage/core';

/**
 * A state blob to store: whole, or as pieces whose concatenation is the blob. A task's keyed state
 * comes as pieces (a header, then a piece per key group), so a blob of a hundred megabytes goes to
 * storage without first being copied into one buffer.
 */
export type StateBytes = Uint8Array | readonly Uint8Array[];

/** The length of a blob given as StateBytes. */
export function stateBytesLength(bytes: StateBytes): number {
  if (bytes instanceof Uint8Array) return bytes.length;
  let length = 0;
  for (const piece of bytes) length += piece.length;
  return length;
}

/** A state blob in storage. The checksum lets a restore tell a corrupt blob from a good one. */
export interface StateHandle {
  readonly uri: string;
  readonly bytes: number;
  /** sha-256 of the blob, hex. */
  readonly checksum: string;
}

/** The state of one operator (by uid) in a checkpoint: a handle per subtask that had state. */
export interface OperatorCheckpoint {
  readonly parallelism: number;
  readonly maxParallelism: number;
  readonly subtasks: Readonly<Record<number, StateHandle>>;
}

export interface CompletedCheckpoint {
  readonly jobId: string;
  readonly checkpointId: number;
  /** When the checkpoint was triggered, epoch ms. */
  readonly timestamp: number;
  /** Savepoints are taken by the user and never deleted by retention. */
  readonly savepoint: boolean;
  /** By operator uid. */
  readonly operators: Readonly<Record<string, OperatorCheckpoint>>;
}

/** A checkpoint the storage lists but whose metadata cannot be used. */
export interface UnreadableCheckpoint {
  readonly checkpointId: number;
  /** What is wrong, for a log line or a status: "its metadata is not valid JSON (…)". */
  readonly problem: string;
}

export interface CheckpointStorage {
  /**
   * A checkpoint id never handed out before for this job, also across restarts of whoever coordinates
   * it, so a new checkpoint never writes over blobs of one that was in flight when a process died.
   * It is above `after`: a job started from a savepoint continues the savepoint's sequence (Flink sets
   * its checkpoint id counter past the restored savepoint's id), so ids never go back in time.
   */
  nextCheckpointId(jobId: string, after?: number): Promise<number>;
  /**
   * Stores one blob of checkpoint `checkpointId`; `name` is unique within the checkpoint (e.g. uid and
   * subtask). Pieces are stored as their concatenation; the caller leaves them unchanged until the
   * promise settles.
   */
  writeState(jobId: string, checkpointId: number, name: string, bytes: StateBytes): Promise<StateHandle>;
  /** Reads a blob back; throws CorruptCheckpoint when it is missing or does not match its checksum. */
  readState(handle: StateHandle): Promise<Uint8Array>;
  /** Makes a checkpoint visible, atomically. */
  completeCheckpoint(checkpoint: CompletedCheckpoint): Promise<void>;
  /**
   * The job's completed checkpoints, newest first. An entry whose metadata is missing or unreadable is
   * left out and told to `onUnreadable` (with what is wrong), so one damaged entry never hides the others.
   */
  listCheckpoints(jobId: string, onUnreadable?: (entry: UnreadableCheckpoint) => void): Promise<CompletedCheckpoint[]>;
  /** Deletes a checkpoint, complete or not: its metadata and every blob written for it. */
  discardCheckpoint(jobId: string, checkpointId: number): Promise<void>;
  /**
   * Copies a blob, server-side, into checkpoint `checkpointId` under `name`, so the checkpoint owns its
   * copy and is discarded like any other: how a finished task's final state joins later checkpoints.
   */
  copyState(handle: StateHandle, jobId: string, checkpointId: number, name: string): Promise<StateHandle>;
  /**
   * The job has ended: its checkpoints (not its savepoints) are deleted after `retentionMs`. Optional:
   * storage without it (the file system) keeps them until someone deletes them.
   */
  expireJob?(jobId: string, retentionMs: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * Where the tasks of one job attempt write their final state (FLIP-147): a checkpoint id no checkpoint
 * ever gets (ids count up from 1), written with writeState and deleted with discardCheckpoint when the
 * attempt or the job ends. Completed checkpoints hold copies (copyState), never these blobs.
 */
export function finalStateNamespace(attempt: number): number {
  return -1 - attempt;
}

/** A checkpoint's state cannot be used: restores fall back to an older checkpoint. */
export class CorruptCheckpoint extends SageError {
  constructor(message: string, cause?: unknown) {
    super('CorruptCheckpoint', message, { cause });
  }
}
