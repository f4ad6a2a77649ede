/**
 * The records of one send, encoded as they are written: per topic, per partition, one
 * RecordBatchBuilder (Kafka's producer keeps the same shape in its RecordAccumulator). A record is
 * placed by the DefaultPartitioner the moment it is added, which needs its topic's partitions from
 * metadata; records of a topic whose metadata the writer does not have yet (its first records) wait
 * as they came until send time, and so do the topic's later records in the same batch, which keeps
 * each partition's records in the order they were written.
 */
import type { OutgoingBatch } from '../delivery.js';
import type { KafkaRecordKey } from '../options.js';
import type { TopicPartitioning } from './default-partitioner.js';
import { RecordBatchBuilder, type BatchProducer, type RecordHeaders } from './record-batch-builder.js';
import type { PartitionBatch } from './sender.js';

/**
 * A batch is sent once its records take this many bytes, which keeps each partition's RecordBatch
 * under the broker's default message.max.bytes (1 MiB).
 */
const MAX_BATCH_BYTES = 512 * 1024;
/** A record's bytes beyond key and value, roughly, for records not encoded yet. */
const RECORD_OVERHEAD = 24;

interface UnplacedRecord {
  readonly key: string | Buffer | null;
  readonly value: string | Buffer | null;
  readonly headers: RecordHeaders | undefined;
  readonly timestamp: number;
}

class TopicBatch {
  /** By partition id. */
  readonly builders: (RecordBatchBuilder | undefined)[] = [];
  /** Records waiting for the topic's metadata; undefined once the topic's records are placed as they come. */
  unplaced: UnplacedRecord[] | undefined;

  constructor(
    readonly topic: string,
    public partitioning: TopicPartitioning | undefined,
  ) {
    if (partitioning === undefined) this.unplaced = [];
  }
}

/** Holds a string key's UTF-8 bytes while the partitioner hashes them and the builder copies them. */
let keyScratch = Buffer.allocUnsafe(256);

export class ProduceBatch implements OutgoingBatch {
  private readonly byTopic = new Map<string, TopicBatch>();
  private last: TopicBatch | undefined;
  bytes = 0;
  count = 0;

  /** `partitionings`: the writer's topics as metadata last showed them (kept up to date by the delivery). */
  constructor(private readonly partitionings: ReadonlyMap<string, TopicPartitioning>) {}

  get isEmpty(): boolean {
    return this.count === 0;
  }

  get isFull(): boolean {
    return this.bytes >= MAX_BATCH_BYTES;
  }

  topics(): string[] {
    return [...this.byTopic.keys()];
  }

  add(topic: string, key: Exclude<KafkaRecordKey, undefined>, value: string | Buffer | null, headers: RecordHeaders | undefined, timestamp: number | undefined): number {
    let batch = this.last;
    if (batch === undefined || batch.topic !== topic) {
      batch = this.byTopic.get(topic) ?? this.addTopic(topic);
      this.last = batch;
    }
    const at = timestamp ?? Date.now();
    let bytes: number;
    if (batch.unplaced === undefined) bytes = place(batch, key, value, headers, at);
    else {
      batch.unplaced.push({ key, value, headers, timestamp: at });
      bytes = RECORD_OVERHEAD + (key === null ? 0 : key.length) + (value === null ? 0 : value.length);
    }
    this.bytes += bytes;
    this.count++;
    return bytes;
  }

  /** Places the records that waited for metadata; every topic of the batch must have partitions in `partitionings` now. */
  placeWaitingRecords(): void {
    for (const batch of this.byTopic.values()) {
      const unplaced = batch.unplaced;
      if (unplaced === undefined) continue;
      const partitioning = this.partitionings.get(batch.topic);
      if (partitioning === undefined || partitioning.partitionCount === 0) {
        throw new Error(`KafkaSink: no partitions of topic '${batch.topic}' in the metadata the brokers sent`);
      }
      batch.partitioning = partitioning;
      batch.unplaced = undefined;
      for (const r of unplaced) place(batch, r.key, r.value, r.headers, r.timestamp);
    }
  }

  /** Finishes every partition's RecordBatch, with the producer fields `producerOf` gives. */
  build(producerOf: (topic: string, partition: number, records: number) => BatchProducer): PartitionBatch[] {
    const batches: PartitionBatch[] = [];
    for (const { topic, builders } of this.byTopic.values()) {
      for (let partition = 0; partition < builders.length; partition++) {
        const builder = builders[partition];
        if (builder !== undefined) batches.push({ topic, partition, records: builder.build(producerOf(topic, partition, builder.count)) });
      }
    }
    return batches;
  }

  private addTopic(topic: string): TopicBatch {
    const partitioning = this.partitionings.get(topic);
    const batch = new TopicBatch(topic, partitioning !== undefined && partitioning.partitionCount > 0 ? partitioning : undefined);
    this.byTopic.set(topic, batch);
    return batch;
  }
}

function place(batch: TopicBatch, key: string | Buffer | null, value: string | Buffer | null, headers: RecordHeaders | undefined, timestamp: number): number {
  let keyBytes: Buffer | null = null;
  let keyLength = 0;
  if (typeof key === 'string') {
    if (key.length * 3 > keyScratch.length) keyScratch = Buffer.allocUnsafe(key.length * 3);
    keyLength = keyScratch.write(key);
    keyBytes = keyScratch;
  } else if (key !== null) {
    keyBytes = key;
    keyLength = key.length;
  }
  const partition = batch.partitioning!.partitionOf(keyBytes, keyLength);
  const builder = batch.builders[partition] ?? (batch.builders[partition] = new RecordBatchBuilder());
  return builder.append(keyBytes, keyLength, value, headers, timestamp);
}
