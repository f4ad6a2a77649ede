/**
 * KafkaSink's options, checked once when the sink is built (in the job's main), so that a mistake
 * fails `sage run` at planning time rather than in a task.
 */
import type { KafkaClientOptions } from '../source/options.js';
import { KafkaSinkError } from './errors.js';

/**
 * - `'exactly-once'`: each subtask writes in Kafka transactions, one per checkpoint, committed when the
 *   checkpoint completes (and at the end of a bounded job). Readers with isolation.level=read_committed
 *   see every record once; they see a checkpoint's records only once it has completed. Needs
 *   checkpointing for unbounded jobs (without it, nothing is committed before the end).
 * - `'at-least-once'`: records are sent as they come, and every checkpoint waits until all records
 *   before its barrier are acknowledged; after a failure, records since the last checkpoint are
 *   written again.
 * - `'none'`: records are sent as they come; checkpoints do not wait for them, so a failure can lose
 *   records that were still on their way.
 */
export type KafkaDeliveryGuarantee = 'exactly-once' | 'at-least-once' | 'none';

/**
 * How a value becomes a record's value: `'json'` (JSON text), `'string'` (the value must be a string),
 * or a function returning a Buffer, a string (written as UTF-8) or null (a tombstone).
 */
export type KafkaValueSerializer<T> = 'json' | 'string' | ((value: T) => Buffer | string | null);

/** A record key: UTF-8 string or bytes; null or undefined for no key. */
export type KafkaRecordKey = string | Buffer | null | undefined;

export type KafkaRecordHeaders = Readonly<Record<string, string | Buffer>>;

export interface KafkaSinkOptions<T> {
  /** Bootstrap brokers, `host:port`. */
  readonly brokers: readonly string[];
  /** The topic every record goes to. Give `topic` or `topicSelector`, not both. The topic must exist. */
  readonly topic?: string;
  /** The topic of each record, from its value. Every topic it names must exist. */
  readonly topicSelector?: (value: T) => string;
  /** The record key, from the value; Kafka's default partitioner (murmur2, as Java's) places keyed records. Default: no key. */
  readonly keySelector?: (value: T) => KafkaRecordKey;
  readonly serializer: KafkaValueSerializer<T>;
  /** Headers for every record, or a function giving each record's headers. */
  readonly headers?: KafkaRecordHeaders | ((value: T) => KafkaRecordHeaders | undefined);
  readonly deliveryGuarantee: KafkaDeliveryGuarantee;
  /**
   * Exactly-once: the start of every transactional id, `<prefix>-<jobId>-<subtask>-<attempt>-<n>`
   * (grant the job Write and Describe on TransactionalId prefix `<prefix>-` when the cluster has ACLs).
   * The job id keeps jobs apart, and subtask, attempt and n keep transactions apart. Default 'sage'.
   */
  readonly transactionalIdPrefix?: string;
  /**
   * Exactly-once: how long the broker lets a transaction stay open before it aborts it. A transaction
   * stays open from its first record until its checkpoint completes and, after a crash, until the
   * restarted job commits it: make this longer than the checkpoint interval plus the longest time a
   * restart may take. A transaction the broker aborted is lost, and the commit fails loudly
   * (`TransactionAborted`). The broker caps it at transaction.max.timeout.ms (default 15 minutes).
   * The price of a long timeout: a crashed job that never comes back leaves open transactions that
   * hold read_committed readers of their partitions back for that long. Default 900000 (15 minutes).
   */
  readonly transactionTimeoutMs?: number;
  /** Defaults to `sage-<job name>`. */
  readonly clientId?: string;
  /**
   * Record bytes a subtask buffers (not yet acknowledged) before it holds its input back. A checkpoint
   * barrier waits for them to be acknowledged, so this bounds that wait too. Default 4 MiB.
   */
  readonly maxBufferedBytes?: number;
  /** Connection settings: TLS, SASL, timeouts, retries, kafkajs's log output. */
  readonly client?: KafkaClientOptions;
}

export interface ResolvedClientOptions {
  readonly ssl: KafkaClientOptions['ssl'];
  readonly sasl: KafkaClientOptions['sasl'];
  readonly connectionTimeoutMs: number;
  readonly requestTimeoutMs: number;
  readonly retries: number;
  readonly logLevel: NonNullable<KafkaClientOptions['logLevel']>;
}

export interface ResolvedKafkaSinkOptions<T> {
  readonly brokers: readonly string[];
  readonly topic: string | undefined;
  readonly topicSelector: ((value: T) => string) | undefined;
  readonly keySelector: ((value: T) => KafkaRecordKey) | undefined;
  readonly serializer: KafkaValueSerializer<T>;
  readonly headers: KafkaRecordHeaders | ((value: T) => KafkaRecordHeaders | undefined) | undefined;
  readonly deliveryGuarantee: KafkaDeliveryGuarantee;
  readonly transactionalIdPrefix: string;
  readonly transactionTimeoutMs: number;
  readonly clientId: string | undefined;
  readonly maxBufferedBytes: number;
  readonly client: ResolvedClientOptions;
}

export const DEFAULT_TRANSACTION_TIMEOUT_MS = 15 * 60 * 1000;
const DEFAULT_MAX_BUFFERED_BYTES = 4 * 1024 * 1024;
const GUARANTEES: readonly KafkaDeliveryGuarantee[] = ['exactly-once', 'at-least-once', 'none'];
const LOG_LEVELS = ['nothing', 'error', 'warn', 'info', 'debug'];

export function resolveSinkOptions<T>(options: KafkaSinkOptions<T>): ResolvedKafkaSinkOptions<T> {
  if (options === null || typeof options !== 'object') {
    invalid("KafkaSink needs options: new KafkaSink({ brokers: ['localhost:9092'], topic: 'out', serializer: 'json', deliveryGuarantee: 'exactly-once' })");
  }
  const { brokers, topic, topicSelector, keySelector, serializer, headers, deliveryGuarantee } = options;
  if (!Array.isArray(brokers) || brokers.length === 0 || brokers.some((b) => typeof b !== 'string' || !/^[^\s:]+:\d+$/.test(b))) {
    invalid(`KafkaSink: brokers must be a non-empty list of 'host:port', got ${JSON.stringify(brokers)}`);
  }
  if ((topic === undefined) === (topicSelector === undefined)) {
    invalid('KafkaSink: give either topic (one topic for every record) or topicSelector (a function of the value), not both and not neither');
  }
  if (topic !== undefined && (typeof topic !== 'string' || topic.length === 0)) invalid(`KafkaSink: topic must be a non-empty string, got ${JSON.stringify(topic)}`);
  if (topicSelector !== undefined && typeof topicSelector !== 'function') invalid('KafkaSink: topicSelector must be a function of the value returning a topic name');
  if (keySelector !== undefined && typeof keySelector !== 'function') invalid('KafkaSink: keySelector must be a function of the value returning a string, a Buffer, or null');
  if (!(serializer === 'json' || serializer === 'string' || typeof serializer === 'function')) {
    invalid(`KafkaSink: serializer must be 'json', 'string' or a function of the value returning a Buffer or a string, got ${JSON.stringify(serializer)}`);
  }
  if (headers !== undefined && typeof headers !== 'function') checkHeaders(headers);
  if (!GUARANTEES.includes(deliveryGuarantee)) {
    invalid(`KafkaSink: deliveryGuarantee must be 'exactly-once', 'at-least-once' or 'none', got ${JSON.stringify(deliveryGuarantee)}`);
  }
  const prefix = options.transactionalIdPrefix ?? 'sage';
  if (typeof prefix !== 'string' || !/^[A-Za-z0-9._-]{1,100}$/.test(prefix)) {
    invalid(`KafkaSink: transactionalIdPrefix must be 1 to 100 letters, digits, '.', '_' or '-', got ${JSON.stringify(prefix)}`);
  }
  const timeout = options.transactionTimeoutMs ?? DEFAULT_TRANSACTION_TIMEOUT_MS;
  if (!Number.isSafeInteger(timeout) || timeout < 1000 || timeout > 2 ** 31 - 1) {
    invalid(`KafkaSink: transactionTimeoutMs must be a whole number of milliseconds from 1000 to 2147483647, got ${timeout}`);
  }
  const maxBuffered = options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES;
  if (!Number.isSafeInteger(maxBuffered) || maxBuffered <= 0) invalid(`KafkaSink: maxBufferedBytes must be a positive whole number, got ${maxBuffered}`);
  if (options.clientId !== undefined && (typeof options.clientId !== 'string' || options.clientId.length === 0)) {
    invalid(`KafkaSink: clientId must be a non-empty string, got ${JSON.stringify(options.clientId)}`);
  }
  return {
    brokers: [...brokers],
    topic,
    topicSelector,
    keySelector,
    serializer,
    headers,
    deliveryGuarantee,
    transactionalIdPrefix: prefix,
    transactionTimeoutMs: timeout,
    clientId: options.clientId,
    maxBufferedBytes: maxBuffered,
    client: resolveClient(options.client ?? {}),
  };
}

function resolveClient(client: KafkaClientOptions): ResolvedClientOptions {
  const connectionTimeoutMs = client.connectionTimeoutMs ?? 1000;
  const requestTimeoutMs = client.requestTimeoutMs ?? 30_000;
  const retries = client.retries ?? 5;
  const logLevel = client.logLevel ?? 'nothing';
  if (!Number.isSafeInteger(connectionTimeoutMs) || connectionTimeoutMs <= 0) invalid(`KafkaSink: client.connectionTimeoutMs must be a positive whole number, got ${connectionTimeoutMs}`);
  if (!Number.isSafeInteger(requestTimeoutMs) || requestTimeoutMs <= 0) invalid(`KafkaSink: client.requestTimeoutMs must be a positive whole number, got ${requestTimeoutMs}`);
  if (!Number.isSafeInteger(retries) || retries < 0) invalid(`KafkaSink: client.retries must be a whole number >= 0, got ${retries}`);
  if (!LOG_LEVELS.includes(logLevel)) invalid(`KafkaSink: client.logLevel must be 'nothing', 'error', 'warn', 'info' or 'debug', got ${JSON.stringify(logLevel)}`);
  return { ssl: client.ssl, sasl: client.sasl, connectionTimeoutMs, requestTimeoutMs, retries, logLevel };
}

function checkHeaders(headers: unknown): void {
  const ok =
    headers !== null &&
    typeof headers === 'object' &&
    !Array.isArray(headers) &&
    Object.values(headers as object).every((v) => typeof v === 'string' || Buffer.isBuffer(v));
  if (!ok) invalid('KafkaSink: headers must be an object of string or Buffer values, or a function of the value returning one');
}

function invalid(message: string): never {
  throw new KafkaSinkError('InvalidOption', message);
}
