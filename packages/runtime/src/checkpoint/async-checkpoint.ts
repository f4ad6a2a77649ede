/**
 * One task's part of a checkpoint after its barrier went on (Flink's AsyncCheckpointRunnable): the
 * operator state is already in bytes, the keyed state is serialized key group by key group in the
 * task's loop (slices between input batches, or a key group at its first access); once nothing is
 * owed, the blobs are assembled and written to storage while records flow, and the task acknowledges.
 * Only the task's loop touches it.
 */
import { performance } from 'node:perf_hooks';
import type { PendingKeyedSnapshot } from '../state/pending-keyed-snapshot.js';
import type { CheckpointStorage, StateBytes, StateHandle } from './checkpoint-storage.js';
import { operatorSnapshotPieces, serializeOperatorState, type OperatorSnapshotInProgress } from './operator-snapshot.js';

/**
 * How long one slice serializes (at least one key group) before the task takes input again. How
 * often slices come is up to the process's SnapshotPacer: back to back when the process is idle, a
 * share of the time when records are flowing.
 */
export const SNAPSHOT_SLICE_MS = 3;

/** Where a finished part goes: the task's storage and responder, and who it is. */
export interface CheckpointTarget {
  readonly jobId: string;
  readonly storage: CheckpointStorage;
  readonly vertexId: number;
  readonly subtaskIndex: number;
  acknowledge(checkpointId: number, handles: Record<string, StateHandle>, stateSize: number, syncMs: number, asyncMs: number): void;
  decline(checkpointId: number, reason: Error): void;
}

interface Part {
  readonly uid: string;
  readonly operatorState: Uint8Array | undefined;
  readonly keyed: PendingKeyedSnapshot | undefined;
  /** The blob as pieces, made once the keyed state is serialized. */
  pieces: Uint8Array[] | undefined;
}

export class AsyncCheckpoint {
  private readonly parts: Part[] = [];
  /** Time records waited at the barrier: operators' snapshotState, and operator state into bytes. */
  readonly syncMs: number;

  /** Made at the barrier, as the last step the records wait for. */
  constructor(
    readonly checkpointId: number,
    snapshots: ReadonlyMap<string, OperatorSnapshotInProgress>,
    /** Date.now() at the barrier. */
    private readonly startedAt: number,
  ) {
    for (const [uid, snapshot] of snapshots) {
      const operatorState = snapshot.operatorState === undefined ? undefined : serializeOperatorState(snapshot.operatorState);
      this.parts.push({ uid, operatorState, keyed: snapshot.keyed, pieces: undefined });
    }
    this.syncMs = Date.now() - startedAt;
  }

  /** False for tasks without keyed state (sources, sinks): their part is small and stored at once. */
  get hasKeyedState(): boolean {
    return this.parts.some((p) => p.keyed !== undefined);
  }

  /** True once every blob is complete, ready to be written. */
  get serialized(): boolean {
    return this.parts.every((p) => p.pieces !== undefined);
  }

  /**
   * Serializes owed key groups until `deadline` (performance.now() time); true once every blob is
   * complete. A part without keyed state completes at once.
   */
  serializeUntil(deadline: number): boolean {
    for (const part of this.parts) {
      if (part.pieces !== undefined) continue;
      if (part.keyed !== undefined && !part.keyed.done && !part.keyed.serializeUntil(deadline)) return false;
      part.pieces = operatorSnapshotPieces(part.operatorState, part.keyed?.result());
      if (performance.now() >= deadline) return this.serialized;
    }
    return true;
  }

  serializeAll(): void {
    this.serializeUntil(Infinity);
  }

  /** Each operator's blob by uid, as pieces, serialized now if it was not yet. */
  blobs(): (readonly [string, StateBytes])[] {
    this.serializeAll();
    return this.parts.map((p) => [p.uid, p.pieces!] as const);
  }

  /** The checkpoint was aborted: its key groups are no longer owed. */
  abandon(): void {
    for (const part of this.parts) part.keyed?.abandon();
  }

  /** Writes each operator's blob, serialized now if it was not yet, as `${uid}-${subtaskIndex}` under `checkpointId`. */
  async write(storage: CheckpointStorage, jobId: string, checkpointId: number, subtaskIndex: number): Promise<{ handles: Record<string, StateHandle>; stateSize: number }> {
    const stored = await Promise.all(this.blobs().map(async ([uid, bytes]) => [uid, await storage.writeState(jobId, checkpointId, `${uid}-${subtaskIndex}`, bytes)] as const));
    const handles: Record<string, StateHandle> = {};
    let stateSize = 0;
    for (const [uid, handle] of stored) {
      handles[uid] = handle;
      stateSize += handle.bytes;
    }
    return { handles, stateSize };
  }

  /**
   * Writes each operator's blob, once serialized, and acknowledges (or declines on a failed write).
   * asyncMs runs from the end of the synchronous part to the last write.
   */
  store(target: CheckpointTarget): Promise<void> {
    const { checkpointId, startedAt, syncMs } = this;
    return this.write(target.storage, target.jobId, checkpointId, target.subtaskIndex).then(
      ({ handles, stateSize }) => target.acknowledge(checkpointId, handles, stateSize, syncMs, Date.now() - startedAt - syncMs),
      (error: Error) => target.decline(checkpointId, error),
    );
  }
}
