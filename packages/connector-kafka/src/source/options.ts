/**
 * KafkaSource's options, checked once when the source is built (in the job's main), so a mistake
 * fails `sage run` at planning time rather than in a task.
 */
import type { SASLOptions } from 'kafkajs';
import type { ConnectionOptions } from 'node:tls';
import { KafkaSourceError } from './errors.js';
import type { KafkaDeserializer } from './deserializers.js';

/**
 * Where partitions start on a fresh start (a restore always continues at the checkpointed offsets):
 * - `'earliest'`: the first record still retained;
 * - `'latest'`: the end of the partition when the reader starts: only records written later;
 * - `'committed'`: the consumer group's committed offset, or the earliest record where the group has none;
 * - `{ timestamp }`: the first record whose timestamp is at or after `timestamp` (epoch ms), or the end.
 * Partitions discovered while the job runs always start at the earliest record.
 */
export type StartingOffsets = 'earliest' | 'latest' | 'committed' | { readonly timestamp: number };

/**
 * What to do with a record the deserializer cannot decode (invalid JSON, or a deserializer function
 * that throws):
 * - `'fail'` (default): the reader fails with `UndecodableRecord` naming topic, partition and offset;
 *   the job restarts from its last checkpoint as its restart strategy allows, so nothing is lost and
 *   nothing skipped silently.
 * - `'skip'`: the record is dropped and counted (`reader.metrics.recordsSkipped`).
 * - `'emit'`: a `DecodeFailure` value takes the record's place in the stream; split those off with
 *   `routeDecodeFailures(tag)` and route them to a side output (a dead-letter sink, for example).
 */
export type DecodeErrorPolicy = 'fail' | 'skip' | 'emit';

export interface KafkaClientOptions {
  readonly ssl?: boolean | ConnectionOptions;
  readonly sasl?: SASLOptions;
  /** Milliseconds to wait for a TCP connection to a broker. Default 1000. */
  readonly connectionTimeoutMs?: number;
  /** Milliseconds to wait for a broker's answer. Default 30000. */
  readonly requestTimeoutMs?: number;
  /**
   * How often a failed request or connection is retried before the reader gives up and fails (the
   * job's restart strategy takes over from there). Default 5, with backoff from 100 ms up to 1 s.
   */
  readonly retries?: number;
  /** kafkajs's own log output; errors reach Sage as exceptions either way. Default 'nothing'. */
  readonly logLevel?: 'nothing' | 'error' | 'warn' | 'info' | 'debug';
}

export interface KafkaSourceOptions {
  /** Bootstrap brokers, `host:port`. */
  readonly brokers: readonly string[];
  /** The topics to read. Give `topics` or `topicPattern`, not both. */
  readonly topics?: readonly string[];
  /** Every topic whose whole name matches; checked again every `partitionDiscoveryIntervalMs`. */
  readonly topicPattern?: RegExp;
  /**
   * The consumer group. Offsets are committed to it when a checkpoint completes, for monitoring lag;
   * the job's positions live in its checkpoints. Give every job its own group.
   */
  readonly groupId: string;
  /** Defaults to `sage-<job name>`. */
  readonly clientId?: string;
  /** Default `'earliest'`. */
  readonly startingOffsets?: StartingOffsets;
  /**
   * Stop at the end offsets seen when the job first starts (kept in its checkpoints, so a restored
   * bounded job stops at the same place); the source then ends and the job can finish. Default false.
   */
  readonly bounded?: boolean;
  /** `'string'` (UTF-8, the default), `'json'`, `'raw'` (a Buffer) or a function of the raw record. */
  readonly deserializer?: KafkaDeserializer<unknown>;
  /**
   * Emit `KafkaRecord`s — `{ topic, partition, offset, timestamp, key, value, headers }` — instead of
   * the bare values. Default false.
   */
  readonly withMetadata?: boolean;
  /** Keys and header values as UTF-8 strings or as Buffers. Default `'raw'` with the raw deserializer, else `'string'`. */
  readonly keyFormat?: 'string' | 'raw';
  /** Default `'fail'`. */
  readonly onDecodeError?: DecodeErrorPolicy;
  /** Look for new partitions (and, with a pattern, new topics) this often. Off by default; never in bounded mode. */
  readonly partitionDiscoveryIntervalMs?: number;
  /**
   * Records a subtask holds between fetching and emitting them. When full, the rest of a fetch waits
   * for room, and its partitions are not fetched again until it is all in. Default 10000.
   */
  readonly maxBufferedRecords?: number;
  /** Connection settings for kafkajs. */
  readonly client?: KafkaClientOptions;
  /** Group membership and fetch tuning; the defaults suit most jobs. */
  readonly consumer?: KafkaConsumerTuning;
}

export interface KafkaConsumerTuning {
  /** Default 10000 (the broker's minimum is usually 6000). */
  readonly sessionTimeoutMs?: number;
  /** Default 500: a member learns of a rebalance at its next heartbeat. */
  readonly heartbeatIntervalMs?: number;
  /** Default 10000. */
  readonly rebalanceTimeoutMs?: number;
  /**
   * How long a fetch waits for data at the broker, how long a full buffer may stay full before that
   * counts as a backpressure pause, and how long the group member sleeps between its checks. Default 250.
   */
  readonly maxWaitTimeMs?: number;
  /**
   * Default 256 KiB: with one request in flight per leader, enough to keep a subtask busy while the
   * next fetch is on its way. A batch larger than this still comes whole when it is the first one of
   * the response (the broker always returns one); partitions take turns at being first.
   */
  readonly maxBytesPerPartition?: number;
  /** Default 10 MiB. */
  readonly maxBytes?: number;
}

/** The options with every default applied. */
export interface ResolvedKafkaSourceOptions {
  readonly brokers: readonly string[];
  readonly topics: readonly string[] | undefined;
  readonly topicPattern: RegExp | undefined;
  readonly groupId: string;
  readonly clientId: string | undefined;
  readonly startingOffsets: StartingOffsets;
  readonly bounded: boolean;
  readonly deserializer: KafkaDeserializer<unknown>;
  readonly withMetadata: boolean;
  readonly keyFormat: 'string' | 'raw';
  readonly onDecodeError: DecodeErrorPolicy;
  readonly partitionDiscoveryIntervalMs: number | undefined;
  readonly maxBufferedRecords: number;
  readonly client: Required<Pick<KafkaClientOptions, 'connectionTimeoutMs' | 'requestTimeoutMs' | 'retries' | 'logLevel'>> &
    Pick<KafkaClientOptions, 'ssl' | 'sasl'>;
  readonly consumer: Required<KafkaConsumerTuning>;
}

export function resolveOptions(options: KafkaSourceOptions): ResolvedKafkaSourceOptions {
  if (options === null || typeof options !== 'object') invalid('KafkaSource needs options: new KafkaSource({ brokers, topics, groupId })');
  const brokers = options.brokers;
  if (!Array.isArray(brokers) || brokers.length === 0 || brokers.some((b) => typeof b !== 'string' || !/^[^:\s]+:\d+$/.test(b))) {
    invalid(`KafkaSource: brokers must be a non-empty list of 'host:port', got ${JSON.stringify(brokers)}`);
  }
  const { topics, topicPattern } = options;
  if ((topics === undefined) === (topicPattern === undefined)) {
    invalid("KafkaSource: give either topics (['orders']) or topicPattern (/orders-.*/), not both and not neither");
  }
  if (topics !== undefined && (!Array.isArray(topics) || topics.length === 0 || topics.some((t) => typeof t !== 'string' || t.length === 0))) {
    invalid(`KafkaSource: topics must be a non-empty list of topic names, got ${JSON.stringify(topics)}`);
  }
  if (topicPattern !== undefined && !(topicPattern instanceof RegExp)) {
    invalid(`KafkaSource: topicPattern must be a RegExp, got ${String(topicPattern)}`);
  }
  if (typeof options.groupId !== 'string' || options.groupId.length === 0) {
    invalid('KafkaSource needs a groupId: offsets are committed to that consumer group after each checkpoint');
  }
  const startingOffsets = options.startingOffsets ?? 'earliest';
  const validStart =
    startingOffsets === 'earliest' ||
    startingOffsets === 'latest' ||
    startingOffsets === 'committed' ||
    (typeof startingOffsets === 'object' && startingOffsets !== null && Number.isSafeInteger(startingOffsets.timestamp) && startingOffsets.timestamp >= 0);
  if (!validStart) {
    invalid(`KafkaSource: startingOffsets must be 'earliest', 'latest', 'committed' or { timestamp: epochMs }, got ${JSON.stringify(startingOffsets)}`);
  }
  const deserializer = options.deserializer ?? 'string';
  if (!(deserializer === 'string' || deserializer === 'json' || deserializer === 'raw' || typeof deserializer === 'function')) {
    invalid(`KafkaSource: deserializer must be 'string', 'json', 'raw' or a function of the record, got ${JSON.stringify(deserializer)}`);
  }
  const keyFormat = options.keyFormat ?? (deserializer === 'raw' ? 'raw' : 'string');
  if (keyFormat !== 'string' && keyFormat !== 'raw') invalid(`KafkaSource: keyFormat must be 'string' or 'raw', got ${JSON.stringify(keyFormat)}`);
  const onDecodeError = options.onDecodeError ?? 'fail';
  if (onDecodeError !== 'fail' && onDecodeError !== 'skip' && onDecodeError !== 'emit') {
    invalid(`KafkaSource: onDecodeError must be 'fail', 'skip' or 'emit', got ${JSON.stringify(onDecodeError)}`);
  }
  const bounded = options.bounded ?? false;
  const discovery = options.partitionDiscoveryIntervalMs;
  if (discovery !== undefined) {
    positive(discovery, 'partitionDiscoveryIntervalMs');
    if (bounded) invalid('KafkaSource: a bounded source reads the partitions it saw at start; drop partitionDiscoveryIntervalMs or bounded');
  }
  const client = options.client ?? {};
  const tuning = options.consumer ?? {};
  const consumer = {
    sessionTimeoutMs: positive(tuning.sessionTimeoutMs ?? 10_000, 'consumer.sessionTimeoutMs'),
    heartbeatIntervalMs: positive(tuning.heartbeatIntervalMs ?? 500, 'consumer.heartbeatIntervalMs'),
    rebalanceTimeoutMs: positive(tuning.rebalanceTimeoutMs ?? 10_000, 'consumer.rebalanceTimeoutMs'),
    maxWaitTimeMs: positive(tuning.maxWaitTimeMs ?? 250, 'consumer.maxWaitTimeMs'),
    maxBytesPerPartition: positive(tuning.maxBytesPerPartition ?? 256 * 1024, 'consumer.maxBytesPerPartition'),
    maxBytes: positive(tuning.maxBytes ?? 10 * 1024 * 1024, 'consumer.maxBytes'),
  };
  if (consumer.heartbeatIntervalMs >= consumer.sessionTimeoutMs) {
    invalid(`KafkaSource: consumer.heartbeatIntervalMs (${consumer.heartbeatIntervalMs}) must be below consumer.sessionTimeoutMs (${consumer.sessionTimeoutMs})`);
  }
  const retries = client.retries ?? 5;
  if (!Number.isSafeInteger(retries) || retries < 0) invalid(`KafkaSource: client.retries must be a whole number >= 0, got ${retries}`);
  const logLevel = client.logLevel ?? 'nothing';
  if (!['nothing', 'error', 'warn', 'info', 'debug'].includes(logLevel)) invalid(`KafkaSource: client.logLevel must be 'nothing', 'error', 'warn', 'info' or 'debug', got ${JSON.stringify(logLevel)}`);
  return {
    brokers: [...brokers],
    topics: topics === undefined ? undefined : [...new Set(topics)],
    topicPattern,
    groupId: options.groupId,
    clientId: options.clientId,
    startingOffsets,
    bounded,
    deserializer,
    withMetadata: options.withMetadata ?? false,
    keyFormat,
    onDecodeError,
    partitionDiscoveryIntervalMs: discovery,
    maxBufferedRecords: positive(options.maxBufferedRecords ?? 10_000, 'maxBufferedRecords'),
    client: {
      ...(client.ssl !== undefined ? { ssl: client.ssl } : {}),
      ...(client.sasl !== undefined ? { sasl: client.sasl } : {}),
      connectionTimeoutMs: positive(client.connectionTimeoutMs ?? 1000, 'client.connectionTimeoutMs'),
      requestTimeoutMs: positive(client.requestTimeoutMs ?? 30_000, 'client.requestTimeoutMs'),
      retries,
      logLevel,
    },
    consumer,
  };
}

function positive(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value <= 0) invalid(`KafkaSource: ${name} must be a positive whole number, got ${value}`);
  return value;
}

function invalid(message: string): never {
  throw new KafkaSourceError('InvalidOption', message);
}
