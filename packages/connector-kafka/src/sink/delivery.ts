/**
 * How a KafkaSink writer hands records to Kafka. The writer adds each record to the open batch of its
 * Delivery's kind and sends whole batches: `DirectDelivery` (at-least-once and none) encodes records
 * into RecordBatches as they come and sends them on its own produce path; `TransactionalDelivery`
 * (exactly-once) sends kafkajs messages in a transaction per checkpoint. The writer calls a Delivery
 * one call at a time, in order.
 */
import type { CommitPoint } from '@sage/core';
import type { KafkaCommittable } from './kafka-committer.js';
import type { RecordHeaders } from './produce/record-batch-builder.js';
import type { KafkaWriterState } from './transactional-ids.js';

/** The records of one send, as the writer adds them. */
export interface OutgoingBatch {
  /** Adds a record; returns the bytes it takes (exactly, or an estimate). */
  add(topic: string, key: string | Buffer | null, value: string | Buffer | null, headers: RecordHeaders | undefined, timestamp: number | undefined): number;
  readonly isEmpty: boolean;
  /** Big enough to send now. */
  readonly isFull: boolean;
  /** Bytes of all records added, as add() counted them. */
  readonly bytes: number;
  topics(): string[];
}

export interface Delivery<B extends OutgoingBatch = OutgoingBatch> {
  /** An empty batch to add records to. */
  newBatch(): B;
  /** Before the first batch: connect, and abort what earlier writers left open. */
  start(): Promise<void>;
  /** Sends one batch and waits for the brokers' acknowledgement (acks=all). */
  send(batch: B): Promise<void>;
  /** Everything sent so far is acknowledged; returns what must be committed for `point`. */
  prepare(point: CommitPoint): Promise<KafkaCommittable[]>;
  /** The writer state as of the last prepare(). */
  snapshotState(): KafkaWriterState[];
  /** Gives up what was not handed out by prepare(), and disconnects. */
  close(): Promise<void>;
}
