/**
 * Walks the RecordBatches (message format v2, Kafka 0.11+) of one partition's fetch into
 * FetchedRecords, and drops what a read_committed reader must not see, exactly as Kafka's Java
 * consumer does (Fetcher / CompletedFetch.nextFetchedBatch): the broker lists the aborted
 * transactions that overlap the fetch as (producer id, first offset); walking the batches in offset
 * order, every aborted transaction whose first offset is at or before a batch's last offset makes its
 * producer "aborted", the producer's ABORT marker (a control batch) ends that, and in between the
 * producer's transactional batches are skipped. The list is sorted here: the broker gives it in
 * the order the transactions ended, which is not their first offsets' order when transactions on a
 * partition end in another order than they began (kafkajs 2.2.4 assumes it is, and shows aborted
 * records then). Control batches are never emitted.
 *
 * RecordBatch => base_offset(int64) batch_length(int32) partition_leader_epoch(int32) magic(int8)
 *   crc(uint32) attributes(int16) last_offset_delta(int32) first_timestamp(int64)
 *   max_timestamp(int64) producer_id(int64) producer_epoch(int16) base_sequence(int32)
 *   records_count(int32) records...
 * attributes: bits 0-2 compression, bit 3 LogAppendTime, bit 4 transactional, bit 5 control.
 * Record => length(varint) attributes(int8) timestamp_delta(varlong) offset_delta(varint)
 *   key_length(varint, -1 null) key value_length(varint, -1 null) value headers_count(varint)
 *   [header_key_length(varint) header_key header_value_length(varint) header_value]
 *
 * The CRC is not checked: the broker checked it when the batch was written, and TCP (or TLS) guards
 * the transfer; kafkajs does not check it either.
 */
import { gunzipSync } from 'node:zlib';
// kafkajs is CommonJS, and Node's ESM loader does not see CompressionCodecs as a named export.
import kafkajs from 'kafkajs';
import { readInt64 } from '../../common/wire.js';
import type { AbortedTransaction } from './fetch-request.js';
import { cursor, readVarint, readVarlong, type FetchedRecords } from './fetched-records.js';

const HEADER_BYTES = 61;
/** base_offset and batch_length: the bytes before those batch_length counts. */
const LOG_OVERHEAD = 12;
const COMPRESSION_MASK = 0x07;
const LOG_APPEND_TIME = 0x08;
const TRANSACTIONAL = 0x10;
const CONTROL = 0x20;
/** The control record type of a transaction's ABORT marker (COMMIT is 1). */
const ABORT = 0;
const CODEC_NAMES = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];
/** kafkajs's CompressionTypes member for each codec. */
const CODEC_TYPES = ['None', 'GZIP', 'Snappy', 'LZ4', 'ZSTD'];

/** A RecordBatch this reader cannot decode: an old message format, or a codec it lacks. */
export class UnreadableRecordBatch extends Error {}

/**
 * Decompressed records sections of the batches compressed with a codec other than gzip (kafkajs's
 * codecs are asynchronous), by the batch's position in the records bytes: see decompressAsync.
 */
export type Decompressed = ReadonlyMap<number, Buffer>;

/**
 * Appends the records of `records` (one partition's RecordBatches, maybe ending in a batch the broker
 * cut at its size limit, which is ignored) at or after `fetchOffset` to `out`, leaving out control
 * batches and aborted transactions. Returns the offset to fetch next: past the last whole batch,
 * whatever it held (so a fetch of only markers or aborted records still moves on), or `fetchOffset`
 * when there was none.
 */
export function appendRecordBatches(records: Buffer, fetchOffset: number, aborted: readonly AbortedTransaction[], out: FetchedRecords, decompressed?: Decompressed): number {
  const sortedAborted = aborted.length > 1 ? [...aborted].sort((a, b) => a.firstOffset - b.firstOffset) : aborted;
  let nextAborted = 0;
  let abortedProducers: Set<number> | undefined;
  let next = fetchOffset;
  let sourceIndex = -1;
  const length = records.length;
  let pos = 0;
  while (pos + LOG_OVERHEAD <= length) {
    const batchEnd = pos + LOG_OVERHEAD + records.readInt32BE(pos + 8);
    if (batchEnd > length || pos + HEADER_BYTES > length) break;
    const baseOffset = readInt64(records, pos);
    const magic = records[pos + 16]!;
    if (magic !== 2) {
      throw new UnreadableRecordBatch(
        `a record batch at offset ${baseOffset} has message format v${magic}: KafkaSource reads v2 only (Kafka 0.11 and later) — upgrade the topic's message format (message.format.version) or rewrite the topic`,
      );
    }
    const attributes = records.readInt16BE(pos + 21);
    const lastOffset = baseOffset + records.readInt32BE(pos + 23);
    const producerId = readInt64(records, pos + 43);
    const batchStart = pos;
    pos = batchEnd;
    if (lastOffset + 1 > next) next = lastOffset + 1;
    const control = (attributes & CONTROL) !== 0;
    if (producerId >= 0) {
      while (nextAborted < sortedAborted.length && sortedAborted[nextAborted]!.firstOffset <= lastOffset) {
        (abortedProducers ??= new Set()).add(sortedAborted[nextAborted++]!.producerId);
      }
      if (control) {
        if (abortedProducers !== undefined && controlType(records, batchStart + HEADER_BYTES) === ABORT) abortedProducers.delete(producerId);
        continue;
      }
      if ((attributes & TRANSACTIONAL) !== 0 && abortedProducers !== undefined && abortedProducers.has(producerId)) continue;
    } else if (control) continue;
    const count = records.readInt32BE(batchStart + 57);
    if (count <= 0 || lastOffset < fetchOffset) continue;
    const compression = attributes & COMPRESSION_MASK;
    let buf = records;
    let at = batchStart + HEADER_BYTES;
    let bufferIndex: number;
    if (compression === 0) {
      if (sourceIndex < 0) {
        sourceIndex = out.buffers.length;
        out.buffers.push(records);
      }
      bufferIndex = sourceIndex;
    } else {
      buf = compression === 1 ? gunzipSync(records.subarray(at, batchEnd)) : decompressedOf(decompressed, batchStart, compression);
      at = 0;
      bufferIndex = out.buffers.length;
      out.buffers.push(buf);
    }
    const firstTimestamp = readInt64(records, batchStart + 27);
    const logAppendTime = (attributes & LOG_APPEND_TIME) !== 0 ? readInt64(records, batchStart + 35) : -1;
    appendRecords(buf, at, count, baseOffset, firstTimestamp, logAppendTime, fetchOffset, bufferIndex, out);
  }
  return next;
}

function appendRecords(buf: Buffer, at: number, count: number, baseOffset: number, firstTimestamp: number, logAppendTime: number, fetchOffset: number, bufferIndex: number, out: FetchedRecords): void {
  out.reserve(count);
  const { offsets, timestamps, bufferOf, keyStart, keyEnd, valueStart, valueEnd, headersStart, headerCount } = out;
  let n = out.count;
  cursor.at = at;
  for (let r = 0; r < count; r++) {
    const size = readVarint(buf);
    const recordEnd = cursor.at + size;
    cursor.at++; // attributes: unused in v2
    const timestampDelta = readVarlong(buf);
    const offset = baseOffset + readVarint(buf);
    if (offset < fetchOffset) {
      cursor.at = recordEnd;
      continue;
    }
    offsets[n] = offset;
    timestamps[n] = logAppendTime >= 0 ? logAppendTime : firstTimestamp + timestampDelta;
    bufferOf[n] = bufferIndex;
    readBytesAt(buf, keyStart, keyEnd, n);
    readBytesAt(buf, valueStart, valueEnd, n);
    headerCount[n] = readVarint(buf);
    headersStart[n] = cursor.at;
    cursor.at = recordEnd;
    n++;
  }
  out.count = n;
}

/** Records where the varint-length bytes at the cursor lie as `starts[n]`..`ends[n]` (start -1: null), and moves past them. */
function readBytesAt(buf: Buffer, starts: Int32Array, ends: Int32Array, n: number): void {
  const length = readVarint(buf);
  if (length < 0) {
    starts[n] = -1;
    return;
  }
  starts[n] = cursor.at;
  ends[n] = cursor.at + length;
  cursor.at += length;
}

/** The type in the key of a control batch's (only) record: version(int16) type(int16). */
function controlType(buf: Buffer, at: number): number {
  cursor.at = at;
  readVarint(buf); // length
  cursor.at++; // attributes
  readVarlong(buf); // timestamp delta
  readVarint(buf); // offset delta
  const keyLength = readVarint(buf);
  return keyLength >= 4 ? buf.readInt16BE(cursor.at + 2) : -1;
}

function decompressedOf(decompressed: Decompressed | undefined, batchStart: number, compression: number): Buffer {
  const buf = decompressed?.get(batchStart);
  if (buf === undefined) throw missingCodec(compression);
  return buf;
}

function missingCodec(compression: number): UnreadableRecordBatch {
  const name = CODEC_NAMES[compression] ?? `codec ${compression}`;
  return new UnreadableRecordBatch(
    `a record batch is ${name}-compressed and no ${name} codec is registered: register one in kafkajs's CompressionCodecs (CompressionCodecs[CompressionTypes.${CODEC_TYPES[compression] ?? compression}] = ..., e.g. from a kafkajs-${name} package) in the job's code`,
  );
}

/**
 * Decompresses, with the codecs registered in kafkajs's public CompressionCodecs, the batches
 * compressed with something other than gzip (which appendRecordBatches does itself, synchronously);
 * undefined when there are none, the common case, which costs one look at each batch header.
 */
export async function decompressAsync(records: Buffer, fetchOffset: number): Promise<Decompressed | undefined> {
  let found: Map<number, Buffer> | undefined;
  const length = records.length;
  let pos = 0;
  while (pos + HEADER_BYTES <= length) {
    const batchEnd = pos + LOG_OVERHEAD + records.readInt32BE(pos + 8);
    if (batchEnd > length) break;
    const compression = records.readInt16BE(pos + 21) & COMPRESSION_MASK;
    const lastOffset = readInt64(records, pos) + records.readInt32BE(pos + 23);
    if (compression > 1 && records[pos + 16] === 2 && lastOffset >= fetchOffset) {
      (found ??= new Map()).set(pos, await codecOf(compression).decompress(records.subarray(pos + HEADER_BYTES, batchEnd)));
    }
    pos = batchEnd;
  }
  return found;
}

/** The records in the whole batches of `records`: what FetchedRecords needs room for at most. */
export function countRecords(records: Buffer): number {
  let count = 0;
  const length = records.length;
  let pos = 0;
  while (pos + HEADER_BYTES <= length) {
    const batchEnd = pos + LOG_OVERHEAD + records.readInt32BE(pos + 8);
    if (batchEnd > length) break;
    count += records.readInt32BE(pos + 57);
    pos = batchEnd;
  }
  return count;
}

interface Codec {
  decompress(buffer: Buffer): Promise<Buffer>;
}

/** The codec registered in kafkajs's CompressionCodecs, whose placeholders throw KafkaJSNotImplemented until the job registers one. */
function codecOf(compression: number): Codec {
  const factory = (kafkajs.CompressionCodecs as unknown as Record<number, (() => Codec) | undefined>)[compression];
  let codec: Codec | undefined;
  try {
    codec = factory?.();
  } catch (error) {
    if ((error as Error)?.name === 'KafkaJSNotImplemented') throw missingCodec(compression);
    throw error;
  }
  if (typeof codec?.decompress !== 'function') throw missingCodec(compression);
  return codec;
}
