/**
 * Writes a subtask's output on one job edge into the channels of the target's subtasks, choosing the
 * channel with the edge's partitioner. Records collect in a batch per channel; a full batch is sent
 * at once, a partial one when the task flushes (before it waits, and at events), so batches are large
 * under load and latency stays low when idle.
 */
import { assignToKeyGroup, type KeySelector, type PartitionerKind } from '@sage/core';
import type { Signal } from '../tasks/signal.js';
import type { ResultSubpartition } from './channel.js';
import { RecordBatch, Watermark, WatermarkStatus, type StreamEvent } from '../records/stream-elements.js';

export abstract class RecordWriter {
  recordsOut = 0;
  protected readonly batches: RecordBatch[];
  /** Per channel, the reused batch of a channel that copies batches (see ReusedBatch), else undefined. */
  private readonly reused: (ReusedBatch | undefined)[];

  constructor(
    protected readonly channels: readonly ResultSubpartition[],
    protected readonly batchSize: number,
  ) {
    this.batches = channels.map(() => new RecordBatch([], []));
    this.reused = channels.map((channel) => (channel.copiesBatches ? new ReusedBatch(channel, batchSize) : undefined));
  }

  /** Named like an operator's input so a chain can feed a writer exactly as it feeds an operator. */
  abstract processElement(value: unknown, timestamp: number): void;

  protected append(channel: number, value: unknown, timestamp: number): void {
    const reused = this.reused[channel];
    if (reused !== undefined) {
      reused.add(value, timestamp);
      return;
    }
    const batch = this.batches[channel]!;
    batch.values.push(value);
    batch.timestamps.push(timestamp);
    if (batch.values.length >= this.batchSize) {
      this.channels[channel]!.push(batch);
      this.batches[channel] = new RecordBatch([], []);
    }
  }

  flush(): void {
    for (let i = 0; i < this.batches.length; i++) {
      const reused = this.reused[i];
      if (reused !== undefined) {
        reused.flush();
        continue;
      }
      const batch = this.batches[i]!;
      const channel = this.channels[i]!;
      if (batch.values.length > 0) {
        channel.push(batch);
        this.batches[i] = new RecordBatch([], []);
      }
      channel.flush?.();
    }
  }

  processWatermark(watermark: number): void {
    this.broadcastEvent(new Watermark(watermark));
  }

  processWatermarkStatus(idle: boolean): void {
    this.broadcastEvent(idle ? WatermarkStatus.IDLE : WatermarkStatus.ACTIVE);
  }

  /** Sends an event on every channel, after the records written before it. */
  broadcastEvent(event: StreamEvent): void {
    this.flush();
    for (const channel of this.channels) channel.push(event);
  }

  isAvailable(): boolean {
    for (const channel of this.channels) if (!channel.isWritable()) return false;
    return true;
  }

  notifyWhenAvailable(signal: Signal): void {
    for (const channel of this.channels) {
      if (!channel.isWritable()) {
        channel.notifyWhenWritable(signal);
        return;
      }
    }
    signal.notify();
  }
}

/**
 * The batch of a channel that copies a batch as it is pushed (the network exchange encodes it):
 * one pair of arrays, written by index, serves every batch, where growing new arrays by push costs
 * ~10 ns per record.
 */
class ReusedBatch {
  private readonly values: unknown[];
  private readonly timestamps: number[];
  private readonly full: RecordBatch;
  private count = 0;

  constructor(
    private readonly channel: ResultSubpartition,
    private readonly size: number,
  ) {
    this.values = new Array<unknown>(size);
    this.timestamps = new Array<number>(size).fill(0);
    this.full = new RecordBatch(this.values, this.timestamps);
  }

  add(value: unknown, timestamp: number): void {
    const n = this.count;
    this.values[n] = value;
    this.timestamps[n] = timestamp;
    if (n + 1 < this.size) {
      this.count = n + 1;
    } else {
      this.count = 0;
      this.channel.push(this.full);
    }
  }

  flush(): void {
    if (this.count > 0) {
      // Timestamps may be longer than values (see RecordBatch).
      this.channel.push(new RecordBatch(this.values.slice(0, this.count), this.timestamps));
      this.count = 0;
    }
    this.channel.flush?.();
  }
}

/** One-to-one: subtask i writes to subtask i. */
class ForwardWriter extends RecordWriter {
  processElement(value: unknown, timestamp: number): void {
    this.recordsOut++;
    this.append(0, value, timestamp);
  }
}

/** Round-robin, starting at the writer's own subtask index so subtasks do not all hit channel 0 first. */
class RebalanceWriter extends RecordWriter {
  private nextChannel: number;

  constructor(channels: readonly ResultSubpartition[], batchSize: number, subtaskIndex: number) {
    super(channels, batchSize);
    this.nextChannel = subtaskIndex % channels.length;
  }

  processElement(value: unknown, timestamp: number): void {
    this.recordsOut++;
    const channel = this.nextChannel;
    this.nextChannel = channel + 1 === this.channels.length ? 0 : channel + 1;
    this.append(channel, value, timestamp);
  }
}

/** By key group: the target subtask owns the key group of the record's key. */
class HashWriter extends RecordWriter {
  constructor(
    channels: readonly ResultSubpartition[],
    batchSize: number,
    private readonly keySelector: KeySelector<unknown, unknown>,
    private readonly maxParallelism: number,
    /** The keyed operator the selector belongs to, for the error a refused key raises. */
    private readonly keyedOperatorName: string,
  ) {
    super(channels, batchSize);
  }

  processElement(value: unknown, timestamp: number): void {
    this.recordsOut++;
    const keyGroup = assignToKeyGroup(this.keySelector(value), this.maxParallelism, this.keyedOperatorName);
    // subtaskForKeyGroup, inlined: this runs once per record.
    this.append(Math.floor((keyGroup * this.channels.length) / this.maxParallelism), value, timestamp);
  }
}

class BroadcastWriter extends RecordWriter {
  processElement(value: unknown, timestamp: number): void {
    this.recordsOut++;
    for (let i = 0; i < this.channels.length; i++) this.append(i, value, timestamp);
  }
}

export interface RecordWriterSpec {
  readonly partitioner: PartitionerKind;
  /** Channels to the target's subtasks, indexed by target subtask (a single one for forward). */
  readonly channels: readonly ResultSubpartition[];
  readonly batchSize: number;
  readonly subtaskIndex: number;
  readonly keySelector: KeySelector<unknown, unknown> | undefined;
  /** The operator the key selector belongs to (the edge's target), named when a key is refused. */
  readonly keyedOperatorName?: string;
  readonly maxParallelism: number;
}

export function createRecordWriter(spec: RecordWriterSpec): RecordWriter {
  switch (spec.partitioner) {
    case 'forward':
      return new ForwardWriter(spec.channels, spec.batchSize);
    case 'rebalance':
      return new RebalanceWriter(spec.channels, spec.batchSize, spec.subtaskIndex);
    case 'broadcast':
      return new BroadcastWriter(spec.channels, spec.batchSize);
    case 'hash':
      if (!spec.keySelector) throw new Error('A hash-partitioned edge needs the key selector of its target');
      return new HashWriter(spec.channels, spec.batchSize, spec.keySelector, spec.maxParallelism, spec.keyedOperatorName ?? 'keyBy');
  }
}
