/**
 * The body of a Produce request, versions 3 to 7 (one layout: RecordBatch v2 record sets and a
 * transactional id), and its response. The request header (api key, version, correlation id, client
 * id) and the size prefix are kafkajs's connection's to write.
 *
 * Produce Request (v3-v7) => transactional_id acks timeout_ms [topic_data]
 *   topic_data => name [partition_data]
 *     partition_data => index records (RecordBatch bytes, int32 length first)
 * Produce Response (v3-v7) => [responses] throttle_time_ms
 *   responses => name [partition_responses]
 *     partition_responses => index error_code base_offset log_append_time_ms log_start_offset (v5+)
 */
import { writeString } from '../../common/wire.js';

export const MIN_PRODUCE_VERSION = 3;
export const MAX_PRODUCE_VERSION = 7;

export interface PartitionRecords {
  readonly partition: number;
  /** One finished RecordBatch. */
  readonly records: Buffer;
}

export interface TopicRecords {
  readonly topic: string;
  readonly partitions: readonly PartitionRecords[];
}

export interface ProduceRequest {
  readonly transactionalId: string | null;
  /** -1: every in-sync replica (acks=all). */
  readonly acks: number;
  readonly timeoutMs: number;
  readonly topics: readonly TopicRecords[];
}

export interface PartitionResponse {
  readonly topic: string;
  readonly partition: number;
  readonly errorCode: number;
}

export interface ProduceResponse {
  readonly partitions: PartitionResponse[];
  readonly throttleTimeMs: number;
}

export function encodeProduceRequest({ transactionalId, acks, timeoutMs, topics }: ProduceRequest): Buffer {
  let size = 2 + (transactionalId === null ? 0 : Buffer.byteLength(transactionalId)) + 2 + 4 + 4;
  for (const { topic, partitions } of topics) {
    size += 2 + Buffer.byteLength(topic) + 4;
    for (const { records } of partitions) size += 4 + 4 + records.length;
  }
  const buf = Buffer.allocUnsafe(size);
  let pos = writeString(buf, 0, transactionalId);
  pos = buf.writeInt16BE(acks, pos);
  pos = buf.writeInt32BE(timeoutMs, pos);
  pos = buf.writeInt32BE(topics.length, pos);
  for (const { topic, partitions } of topics) {
    pos = writeString(buf, pos, topic);
    pos = buf.writeInt32BE(partitions.length, pos);
    for (const { partition, records } of partitions) {
      pos = buf.writeInt32BE(partition, pos);
      pos = buf.writeInt32BE(records.length, pos);
      pos += records.copy(buf, pos);
    }
  }
  return buf;
}

export function decodeProduceResponse(buf: Buffer, version: number): ProduceResponse {
  const partitions: PartitionResponse[] = [];
  let pos = 0;
  const topicCount = buf.readInt32BE(pos);
  pos += 4;
  for (let t = 0; t < topicCount; t++) {
    const nameLength = buf.readInt16BE(pos);
    const topic = buf.toString('utf8', pos + 2, pos + 2 + nameLength);
    pos += 2 + nameLength;
    const partitionCount = buf.readInt32BE(pos);
    pos += 4;
    for (let p = 0; p < partitionCount; p++) {
      partitions.push({ topic, partition: buf.readInt32BE(pos), errorCode: buf.readInt16BE(pos + 4) });
      // index, error_code, base_offset, log_append_time_ms, and log_start_offset from v5 on
      pos += 4 + 2 + 8 + 8 + (version >= 5 ? 8 : 0);
    }
  }
  return { partitions, throttleTimeMs: buf.readInt32BE(pos) };
}

