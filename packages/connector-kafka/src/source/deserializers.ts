/**
 * Turning Kafka records into stream values: the built-in deserializers, the metadata wrapper, and the
 * DecodeFailure value that stands in for a record that could not be decoded when the source is told
 * to `'emit'` them. The decoder is built once per reader; per record it is plain calls.
 */
import type { OutputTag, ProcessContext, Collector } from '@sage/core';
import type { KafkaMessage } from 'kafkajs';

/** A record with its metadata; `B` is how keys and header values come: strings or Buffers. */
export interface KafkaRecord<V, B extends string | Buffer = string> {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  /**
   * Epoch milliseconds: the producer's CreateTime, or LogAppendTime if the topic is set to it; -1 for
   * a record of the pre-0.10 message format, which has none.
   */
  readonly timestamp: number;
  readonly key: B | null;
  readonly value: V;
  /** A header sent more than once has an array of its values. */
  readonly headers: Readonly<Record<string, B | readonly B[]>>;
}

/** What a deserializer function receives: value, key and headers as the broker sent them. */
export type KafkaRawRecord = KafkaRecord<Buffer | null, Buffer>;

/**
 * `'string'`: the value as UTF-8 text. `'json'`: the value parsed as JSON. `'raw'`: the value's bytes.
 * The built-ins skip records with a null value (compaction tombstones). A function sees every record,
 * tombstones included; what it throws is a decode error (see `onDecodeError`).
 */
export type KafkaDeserializer<V> = 'string' | 'json' | 'raw' | ((record: KafkaRawRecord) => V);

/**
 * A record the deserializer could not decode, in the stream in the record's place when the source
 * has `onDecodeError: 'emit'`. A plain object (records cross processes serialized, so no class), told
 * apart by `kind`; key, value and headers are the bytes as read, for a dead-letter topic.
 */
export interface DecodeFailure {
  readonly kind: 'KafkaDecodeFailure';
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly timestamp: number;
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  readonly headers: Readonly<Record<string, Buffer | readonly Buffer[]>>;
  /** The deserializer's error message. */
  readonly error: string;
}

export function isDecodeFailure(value: unknown): value is DecodeFailure {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'KafkaDecodeFailure';
}

/**
 * A process function that passes decoded records on and sends DecodeFailures to `tag`:
 * `stream.process(routeDecodeFailures(tag))`, then `.getSideOutput(tag)` on the result.
 */
export function routeDecodeFailures<T>(tag: OutputTag<DecodeFailure>): {
  processElement(value: T | DecodeFailure, ctx: ProcessContext, out: Collector<T>): void;
} {
  return {
    processElement(value, ctx, out) {
      if (isDecodeFailure(value)) ctx.output(tag, value);
      else out.collect(value);
    },
  };
}

/** Returned by a decoder for a record that produces no value (a tombstone under a built-in deserializer). */
export const NO_VALUE: unique symbol = Symbol('KafkaSource.noValue');

/** Decodes one fetched message; throws what the deserializer throws. */
export type RecordDecoder = (message: KafkaMessage, topic: string, partition: number, offset: number, timestamp: number) => unknown;

export function createRecordDecoder(deserializer: KafkaDeserializer<unknown>, withMetadata: boolean, keyFormat: 'string' | 'raw'): RecordDecoder {
  const value = valueDecoder(deserializer);
  if (!withMetadata) return value;
  const key = keyFormat === 'string' ? stringOrNull : bufferOrNull;
  const headers = keyFormat === 'string' ? stringHeaders : rawHeaders;
  return (message, topic, partition, offset, timestamp) => {
    const decoded = value(message, topic, partition, offset, timestamp);
    if (decoded === NO_VALUE) return NO_VALUE;
    const record: KafkaRecord<unknown, string | Buffer> = {
      topic,
      partition,
      offset,
      timestamp,
      key: key(message.key),
      value: decoded,
      headers: headers(message.headers),
    };
    return record;
  };
}

function valueDecoder(deserializer: KafkaDeserializer<unknown>): RecordDecoder {
  switch (deserializer) {
    case 'string':
      return (message) => (message.value === null ? NO_VALUE : message.value.toString('utf8'));
    case 'json':
      return (message) => (message.value === null ? NO_VALUE : JSON.parse(message.value.toString('utf8')));
    case 'raw':
      return (message) => (message.value === null ? NO_VALUE : message.value);
    default: {
      const fn = deserializer;
      return (message, topic, partition, offset, timestamp) => fn(rawRecord(message, topic, partition, offset, timestamp));
    }
  }
}

export function rawRecord(message: KafkaMessage, topic: string, partition: number, offset: number, timestamp: number): KafkaRawRecord {
  return { topic, partition, offset, timestamp, key: bufferOrNull(message.key), value: bufferOrNull(message.value), headers: rawHeaders(message.headers) };
}

export function decodeFailure(message: KafkaMessage, topic: string, partition: number, offset: number, timestamp: number, error: unknown): DecodeFailure {
  return {
    kind: 'KafkaDecodeFailure',
    topic,
    partition,
    offset,
    timestamp,
    key: bufferOrNull(message.key),
    value: bufferOrNull(message.value),
    headers: rawHeaders(message.headers),
    error: error instanceof Error ? error.message : String(error),
  };
}

function bufferOrNull(bytes: Buffer | string | null | undefined): Buffer | null {
  if (bytes === null || bytes === undefined) return null;
  return typeof bytes === 'string' ? Buffer.from(bytes) : bytes;
}

function stringOrNull(bytes: Buffer | string | null | undefined): string | null {
  if (bytes === null || bytes === undefined) return null;
  return typeof bytes === 'string' ? bytes : bytes.toString('utf8');
}

type RawHeaders = KafkaMessage['headers'];

function rawHeaders(headers: RawHeaders): Record<string, Buffer | Buffer[]> {
  const out: Record<string, Buffer | Buffer[]> = {};
  if (headers === undefined) return out;
  for (const name of Object.keys(headers)) {
    const value = headers[name];
    if (value === undefined) continue;
    out[name] = Array.isArray(value) ? value.map((v) => bufferOrNull(v) ?? Buffer.alloc(0)) : (bufferOrNull(value) ?? Buffer.alloc(0));
  }
  return out;
}

function stringHeaders(headers: RawHeaders): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  if (headers === undefined) return out;
  for (const name of Object.keys(headers)) {
    const value = headers[name];
    if (value === undefined) continue;
    out[name] = Array.isArray(value) ? value.map((v) => stringOrNull(v) ?? '') : (stringOrNull(value) ?? '');
  }
  return out;
}
