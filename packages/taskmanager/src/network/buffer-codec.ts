/**
 * Turns stream elements into exchange messages and back. A record batch becomes one msgpack blob
 * (msgpackr: fast, and it keeps Dates, Maps, Sets, bigints and undefined that JSON would lose); the
 * timestamps travel only when some record has one.
 */
import { Packr, Unpackr } from 'msgpackr';
import {
  CheckpointBarrier,
  EndOfPartition,
  NO_TIMESTAMP,
  RecordBatch,
  Watermark,
  type StreamElement,
} from '@sage/runtime';
import type { ExchangeBuffer, ExchangeBuffer__Output } from '@sage/rpc';

const options = { useBigIntExtension: true, moreTypes: true } as const;
const packr = new Packr(options);
const unpackr = new Unpackr(options);

export function encodeElement(element: StreamElement): ExchangeBuffer {
  if (element instanceof RecordBatch) return { records: encodeBatch(element) };
  if (element instanceof CheckpointBarrier) {
    return { barrier: { checkpointId: element.checkpointId, timestamp: element.timestamp } };
  }
  if (element instanceof Watermark) return { watermark: { timestamp: element.timestamp } };
  if (element instanceof EndOfPartition) return { endOfPartition: {} };
  throw new TypeError(`Cannot encode stream element ${String(element)}`);
}

export function decodeElement(buffer: ExchangeBuffer__Output): StreamElement {
  switch (buffer.kind) {
    case 'records':
      return decodeBatch(buffer.records!);
    case 'barrier':
      return new CheckpointBarrier(buffer.barrier!.checkpointId, buffer.barrier!.timestamp);
    case 'watermark':
      return new Watermark(buffer.watermark!.timestamp);
    case 'endOfPartition':
      return EndOfPartition.INSTANCE;
    default:
      throw new TypeError(`Exchange buffer without content (${String(buffer.kind)})`);
  }
}

export function encodeBatch(batch: RecordBatch): Buffer {
  const timestamps = batch.timestamps;
  let timed = false;
  for (let i = 0; i < timestamps.length; i++) {
    if (timestamps[i] !== NO_TIMESTAMP) {
      timed = true;
      break;
    }
  }
  return packr.pack(timed ? [batch.values, timestamps] : [batch.values]);
}

export function decodeBatch(bytes: Uint8Array): RecordBatch {
  const [values, timestamps] = unpackr.unpack(bytes) as [unknown[], number[] | undefined];
  return new RecordBatch(values, timestamps ?? untimed(values.length));
}

/**
 * Batches without timestamps share one array of NO_TIMESTAMP: consumers only read a batch's
 * timestamps by index, never write them, so the array need not be allocated per batch.
 */
let noTimestamps: number[] = [];

function untimed(length: number): number[] {
  if (noTimestamps.length < length) noTimestamps = new Array<number>(Math.max(length, 4096)).fill(NO_TIMESTAMP);
  return noTimestamps;
}
