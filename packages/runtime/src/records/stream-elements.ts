/**
 * What travels through channels, in order: batches of records and in-band control events. Events are
 * never overtaken by records sent after them, which is what makes barriers and watermarks meaningful.
 */

/** The timestamp of a record that has none. Kept a number so timestamp arrays stay unboxed doubles. */
export const NO_TIMESTAMP = Number.NEGATIVE_INFINITY;

export class RecordBatch {
  constructor(
    readonly values: unknown[],
    /**
     * Parallel to `values` (it may be longer: read it by index below `values.length`, never write
     * it); NO_TIMESTAMP where a record has none.
     */
    readonly timestamps: number[],
  ) {}

  get length(): number {
    return this.values.length;
  }
}

/** Checkpoint barrier n: everything before it belongs to checkpoint n, everything after to n + 1. */
export class CheckpointBarrier {
  constructor(
    readonly checkpointId: number,
    readonly timestamp: number,
  ) {}
}

/** Event time has reached `timestamp` on this channel: no record with a smaller timestamp follows. */
export class Watermark {
  constructor(readonly timestamp: number) {}
}

/**
 * The channel's producer stops (IDLE) or starts again (ACTIVE) taking part in event time: while idle,
 * its channel is left out of the consumer's minimum watermark (Flink's WatermarkStatus).
 */
export class WatermarkStatus {
  static readonly IDLE = new WatermarkStatus(true);
  static readonly ACTIVE = new WatermarkStatus(false);
  private constructor(readonly idle: boolean) {}
}

/** The producer of this channel has finished; nothing follows. */
export class EndOfPartition {
  static readonly INSTANCE = new EndOfPartition();
  private constructor() {}
}

export type StreamEvent = CheckpointBarrier | Watermark | WatermarkStatus | EndOfPartition;
export type StreamElement = RecordBatch | StreamEvent;
