/**
 * Turns a value into a Kafka record's key, value and headers and names its topic, per record: plain
 * function calls, the choices (serializer, selectors, headers) made once when the writer is built.
 * encode() leaves its result in fields, so that a record costs no object of its own here.
 */
import { KafkaSinkError } from './errors.js';
import type { KafkaRecordHeaders, KafkaRecordKey, ResolvedKafkaSinkOptions } from './options.js';

export class RecordEncoder<T> {
  private readonly serialize: (value: T) => Buffer | string | null;
  private readonly keyOf: ((value: T) => KafkaRecordKey) | undefined;
  private readonly headersOf: ((value: T) => KafkaRecordHeaders | undefined) | undefined;
  private readonly fixedHeaders: KafkaRecordHeaders | undefined;
  private readonly topicOf: ((value: T) => string) | undefined;
  private readonly topic: string | undefined;
  /** The last encoded record's key (null: none), value (null: a tombstone) and headers. */
  key: string | Buffer | null = null;
  value: string | Buffer | null = null;
  headers: KafkaRecordHeaders | undefined;

  constructor(options: ResolvedKafkaSinkOptions<T>) {
    const { serializer, headers } = options;
    this.serialize = serializer === 'json' ? toJson : serializer === 'string' ? asString : serializer;
    this.keyOf = options.keySelector;
    this.topic = options.topic;
    this.topicOf = options.topicSelector;
    this.headersOf = typeof headers === 'function' ? headers : undefined;
    this.fixedHeaders = typeof headers === 'function' ? undefined : headers;
  }

  /** The record's topic. */
  topicFor(value: T): string {
    if (this.topic !== undefined) return this.topic;
    const topic = this.topicOf!(value);
    if (typeof topic !== 'string' || topic.length === 0) {
      throw new KafkaSinkError('UnserializableRecord', `KafkaSink: topicSelector returned ${JSON.stringify(topic)} for a record; it must return a topic name`);
    }
    return topic;
  }

  encode(value: T): void {
    const serialized = this.serialize(value);
    if (!(typeof serialized === 'string' || Buffer.isBuffer(serialized) || serialized === null)) {
      throw new KafkaSinkError('UnserializableRecord', `KafkaSink: the serializer returned ${typeof serialized} for a record; it must return a Buffer, a string or null`);
    }
    let key: Buffer | string | null = null;
    if (this.keyOf !== undefined) {
      const k = this.keyOf(value);
      if (typeof k === 'string' || Buffer.isBuffer(k)) key = k;
      else if (k !== null && k !== undefined) {
        throw new KafkaSinkError('UnserializableRecord', `KafkaSink: keySelector returned ${typeof k} for a record; it must return a string, a Buffer, null or undefined`);
      }
    }
    this.key = key;
    this.value = serialized;
    this.headers = this.headersOf === undefined ? this.fixedHeaders : this.headersOf(value);
  }
}

function toJson(value: unknown): string {
  const json = JSON.stringify(value);
  if (json === undefined) {
    throw new KafkaSinkError(
      'UnserializableRecord',
      `KafkaSink: a record of type ${typeof value} has no JSON form — map records to objects, arrays, strings, numbers, booleans or null before the sink, or give a serializer function`,
    );
  }
  return json;
}

function asString(value: unknown): string {
  if (typeof value !== 'string') {
    throw new KafkaSinkError('UnserializableRecord', `KafkaSink: serializer 'string' got a record of type ${typeof value} — map records to strings before the sink, or use serializer 'json'`);
  }
  return value;
}
