/**
 * Barrier alignment for a task with several input channels (Carbone et al. 2015, section 3; Flink's
 * aligned checkpoints). In exactly-once mode a channel that delivered barrier n is held back until
 * every channel has, so no record after the barrier is processed before the snapshot; in at-least-once
 * mode nothing is held back and the snapshot is taken when the last barrier arrives. A channel that has
 * ended counts as aligned. A barrier of a newer checkpoint abandons an unfinished older one (it was
 * aborted upstream), as Flink does.
 */
import type { InputGate } from '../network/input-gate.js';
import type { CheckpointBarrier } from '../records/stream-elements.js';

export type CheckpointingMode = 'exactly-once' | 'at-least-once';

export class BarrierAligner {
  private pending: CheckpointBarrier | null = null;
  private readonly arrived = new Set<number>();
  /** Highest checkpoint aligned or abandoned: barriers at or below it are stale. */
  private lastCheckpointId = 0;

  constructor(
    private readonly gate: InputGate,
    private readonly mode: CheckpointingMode,
  ) {}

  /** The barrier whose alignment is in progress, if any. */
  get pendingCheckpointId(): number | null {
    return this.pending?.checkpointId ?? null;
  }

  /** A barrier arrived on `channel`: returns it when the checkpoint is now aligned, null otherwise. */
  onBarrier(channel: number, barrier: CheckpointBarrier): CheckpointBarrier | null {
    if (barrier.checkpointId <= this.lastCheckpointId) return null;
    // Older than the one in progress: it was aborted upstream; it must not count for the newer one.
    if (this.pending !== null && barrier.checkpointId < this.pending.checkpointId) return null;
    if (this.pending !== null && barrier.checkpointId > this.pending.checkpointId) this.abandon();
    if (this.pending === null) this.pending = barrier;
    this.arrived.add(channel);
    if (this.mode === 'exactly-once') this.gate.block(channel);
    return this.completeIfAligned();
  }

  /**
   * Checkpoint `barrier` was triggered at this task directly, because every upstream subtask has ended
   * (FLIP-147): no barrier will come, and the EndOfPartition of each channel stands for it, so the
   * snapshot comes after the records still in the channels, as if the barrier were behind them.
   * Returns the barrier when every channel has already ended, null otherwise (onEndOfPartition
   * returns it later).
   */
  startAlignment(barrier: CheckpointBarrier): CheckpointBarrier | null {
    if (barrier.checkpointId <= this.lastCheckpointId) return null;
    if (this.pending !== null) {
      if (barrier.checkpointId < this.pending.checkpointId) return null;
      if (barrier.checkpointId > this.pending.checkpointId) this.abandon();
    }
    this.pending ??= barrier;
    return this.completeIfAligned();
  }

  /** A channel ended: if it was the last one alignment waited for, returns the aligned barrier. */
  onEndOfPartition(): CheckpointBarrier | null {
    return this.pending === null ? null : this.completeIfAligned();
  }

  /** Gives up the checkpoint in progress (aborted by the coordinator) and releases every channel. */
  abandon(): void {
    if (this.pending !== null) this.lastCheckpointId = this.pending.checkpointId;
    this.reset();
  }

  private completeIfAligned(): CheckpointBarrier | null {
    const barrier = this.pending!;
    for (let channel = 0; channel < this.gate.size; channel++) {
      if (!this.arrived.has(channel) && !this.gate.isEnded(channel)) return null;
    }
    this.lastCheckpointId = barrier.checkpointId;
    this.reset();
    return barrier;
  }

  private reset(): void {
    this.pending = null;
    this.arrived.clear();
    this.gate.unblockAll();
  }
}
