/**
 * The body of a Fetch request, version 4 (the first with isolation_level and last_stable_offset, which
 * read_committed needs; brokers from 0.11 on speak it), and its response. The request header and size
 * prefix are kafkajs's connection's to write.
 *
 * Fetch Request (v4) => replica_id max_wait_ms min_bytes max_bytes isolation_level [topics]
 *   topics => topic [partitions]
 *     partitions => partition fetch_offset(int64) partition_max_bytes
 * Fetch Response (v4) => throttle_time_ms [responses]
 *   responses => topic [partitions]
 *     partitions => partition error_code high_watermark(int64) last_stable_offset(int64)
 *                   [aborted_transactions](nullable) records(nullable bytes)
 *       aborted_transactions => producer_id(int64) first_offset(int64)
 *
 * Offsets and producer ids are JavaScript numbers: exact below 2^53, which an offset reaches after
 * 285 years at a million records a second, and producer ids (handed out one by one) never do.
 */
import type { KafkaApi } from '../../common/kafkajs-internals.js';
import { readInt64, writeInt64, writeString } from '../../common/wire.js';

export const FETCH: KafkaApi = { key: 1, name: 'Fetch', min: 4, max: 4 };

/** isolation_level: only records of committed transactions, and last_stable_offset as the end. */
const READ_COMMITTED = 1;
/** replica_id of a consumer (not a follower broker). */
const CONSUMER_REPLICA_ID = -1;

export interface FetchPartition {
  readonly partition: number;
  readonly fetchOffset: number;
  readonly maxBytes: number;
}

export interface FetchTopic {
  readonly topic: string;
  readonly partitions: readonly FetchPartition[];
}

export interface FetchRequest {
  readonly maxWaitMs: number;
  readonly minBytes: number;
  readonly maxBytes: number;
  readonly topics: readonly FetchTopic[];
}

export interface AbortedTransaction {
  readonly producerId: number;
  readonly firstOffset: number;
}

export interface FetchedPartition {
  readonly topic: string;
  readonly partition: number;
  readonly errorCode: number;
  readonly highWatermark: number;
  readonly lastStableOffset: number;
  readonly abortedTransactions: readonly AbortedTransaction[];
  /** The partition's RecordBatches as sent (a view of the response, not a copy); empty when none. */
  readonly records: Buffer;
}

export interface FetchResponse {
  readonly throttleTimeMs: number;
  readonly partitions: FetchedPartition[];
}

export function encodeFetchRequest({ maxWaitMs, minBytes, maxBytes, topics }: FetchRequest): Buffer {
  let size = 4 + 4 + 4 + 4 + 1 + 4;
  for (const { topic, partitions } of topics) size += 2 + Buffer.byteLength(topic) + 4 + partitions.length * (4 + 8 + 4);
  const buf = Buffer.allocUnsafe(size);
  let pos = buf.writeInt32BE(CONSUMER_REPLICA_ID, 0);
  pos = buf.writeInt32BE(maxWaitMs, pos);
  pos = buf.writeInt32BE(minBytes, pos);
  pos = buf.writeInt32BE(maxBytes, pos);
  pos = buf.writeInt8(READ_COMMITTED, pos);
  pos = buf.writeInt32BE(topics.length, pos);
  for (const { topic, partitions } of topics) {
    pos = writeString(buf, pos, topic);
    pos = buf.writeInt32BE(partitions.length, pos);
    for (const { partition, fetchOffset, maxBytes: partitionMaxBytes } of partitions) {
      pos = buf.writeInt32BE(partition, pos);
      pos = writeInt64(buf, pos, fetchOffset);
      pos = buf.writeInt32BE(partitionMaxBytes, pos);
    }
  }
  return buf;
}

const NO_RECORDS: Buffer = Buffer.alloc(0);
const NO_ABORTED: readonly AbortedTransaction[] = [];

export function decodeFetchResponse(buf: Buffer): FetchResponse {
  const throttleTimeMs = buf.readInt32BE(0);
  let pos = 4;
  const partitions: FetchedPartition[] = [];
  const topicCount = buf.readInt32BE(pos);
  pos += 4;
  for (let t = 0; t < topicCount; t++) {
    const nameLength = buf.readInt16BE(pos);
    const topic = buf.toString('utf8', pos + 2, pos + 2 + nameLength);
    pos += 2 + nameLength;
    const partitionCount = buf.readInt32BE(pos);
    pos += 4;
    for (let p = 0; p < partitionCount; p++) {
      const partition = buf.readInt32BE(pos);
      const errorCode = buf.readInt16BE(pos + 4);
      const highWatermark = readInt64(buf, pos + 6);
      const lastStableOffset = readInt64(buf, pos + 14);
      pos += 22;
      const abortedCount = buf.readInt32BE(pos);
      pos += 4;
      let abortedTransactions = NO_ABORTED;
      if (abortedCount > 0) {
        const list: AbortedTransaction[] = [];
        for (let a = 0; a < abortedCount; a++, pos += 16) list.push({ producerId: readInt64(buf, pos), firstOffset: readInt64(buf, pos + 8) });
        abortedTransactions = list;
      }
      const recordsLength = buf.readInt32BE(pos);
      pos += 4;
      let records = NO_RECORDS;
      if (recordsLength > 0) {
        records = buf.subarray(pos, pos + recordsLength);
        pos += recordsLength;
      }
      partitions.push({ topic, partition, errorCode, highWatermark, lastStableOffset, abortedTransactions, records });
    }
  }
  return { throttleTimeMs, partitions };
}

