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

/** The producer of this channel has finished; nothing follows. */
export class EndOfPartition {
  static readonly INSTANCE = new EndOfPartition();
  private constructor() {}
}

export type StreamEvent = CheckpointBarrier | Watermark | EndOfPartition;
export type StreamElement = RecordBatch | StreamEvent;
