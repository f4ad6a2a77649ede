import { SageError } from '@sage/core';

export type KafkaSinkErrorCode =
  | 'InvalidOption'
  | 'UnserializableRecord'
  | 'InvalidWriterState'
  | 'BrokerUnreachable'
  | 'TopicNotFound'
  | 'WriteFailed'
  | 'TransactionFenced'
  | 'TransactionAborted'
  | 'TransactionUnknown'
  | 'CommitFailed'
  | 'AbortFailed';

/** A KafkaSink could not write, commit or abort. */
export class KafkaSinkError extends SageError {
  declare readonly code: KafkaSinkErrorCode;

  constructor(code: KafkaSinkErrorCode, message: string, cause?: unknown) {
    super(code, message, cause === undefined ? undefined : { cause });
  }
}

/** What a kafkajs error says, read through its wrappers (KafkaJSNumberOfRetriesExceeded keeps the last failure as its cause). */
export interface KafkaFailure {
  /** The Kafka protocol error's name, e.g. 'UNKNOWN_TOPIC_OR_PARTITION', when the broker answered with one. */
  readonly type: string | undefined;
  /** The broker could not be reached, or the connection broke. */
  readonly connection: boolean;
  readonly message: string;
}

export function kafkaFailure(error: unknown): KafkaFailure {
  let e = error as { name?: string; type?: string; message?: string; cause?: unknown; code?: string } | undefined;
  const message = String(e?.message ?? error);
  let connection = false;
  for (let depth = 0; e !== undefined && e !== null && depth < 5; depth++) {
    if (typeof e.type === 'string') return { type: protocolErrorName(e.type, String(e.message)), connection: false, message };
    const name = e.name ?? '';
    if (name.startsWith('KafkaJSConnection') || name === 'KafkaJSNoBrokerAvailableError' || name === 'KafkaJSRequestTimeoutError' || /^E[A-Z]+$/.test(e.code ?? '')) {
      connection = true;
    }
    e = e.cause as typeof e;
  }
  return { type: undefined, connection, message };
}

/** kafkajs 2.2.4 predates PRODUCER_FENCED (error code 90, KIP-588) and reports it as an unknown code. */
function protocolErrorName(type: string, message: string): string {
  return type === 'KAFKAJS_UNKNOWN_ERROR_CODE' && /\bcode 90\b/.test(message) ? 'PRODUCER_FENCED' : type;
}

/** The kafkajs protocol error types that mean "ask again, maybe another coordinator". */
const COORDINATOR_RETRIABLE = new Set([
  'CONCURRENT_TRANSACTIONS',
  'GROUP_COORDINATOR_NOT_AVAILABLE',
  'NOT_COORDINATOR_FOR_GROUP',
  'GROUP_LOAD_IN_PROGRESS',
  'REQUEST_TIMED_OUT',
]);

export function isCoordinatorRetriable(failure: KafkaFailure): boolean {
  return failure.connection || (failure.type !== undefined && COORDINATOR_RETRIABLE.has(failure.type));
}

/**
 * A write (connect, metadata, produce) that failed, as an error that says what to do. `what` names the
 * operation for the message, e.g. `writing to 'orders'`.
 */
export function writeError(error: unknown, brokers: readonly string[], what: string): KafkaSinkError {
  if (error instanceof KafkaSinkError || error instanceof SageError) return error as KafkaSinkError;
  const failure = kafkaFailure(error);
  switch (failure.type) {
    case 'UNKNOWN_TOPIC_OR_PARTITION':
      return new KafkaSinkError('TopicNotFound', `KafkaSink: ${what} failed: a topic does not exist (${failure.message}) — create it first (the broker does not create topics on its own)`, error);
    case 'TOPIC_AUTHORIZATION_FAILED':
    case 'TRANSACTIONAL_ID_AUTHORIZATION_FAILED':
      return new KafkaSinkError('WriteFailed', `KafkaSink: ${what} was refused: ${failure.message} — grant this client the Kafka ACLs it needs (Write on the topics; Write and Describe on the transactional ids' prefix for exactly-once)`, error);
    case 'MESSAGE_TOO_LARGE':
    case 'RECORD_LIST_TOO_LARGE':
      return new KafkaSinkError('WriteFailed', `KafkaSink: ${what} failed: ${failure.message} — a record is larger than the topic's max.message.bytes; make records smaller or raise that limit`, error);
    case 'INVALID_PRODUCER_EPOCH':
    case 'PRODUCER_FENCED':
    case 'INVALID_PRODUCER_ID_MAPPING':
      return new KafkaSinkError(
        'TransactionFenced',
        `KafkaSink: ${what} failed: the broker no longer accepts this producer's transaction (${failure.message}) — it was open longer than transactionTimeoutMs, or another writer took over its transactional id; the job restarts from its last checkpoint`,
        error,
      );
    case 'INVALID_TRANSACTION_TIMEOUT':
      return new KafkaSinkError('WriteFailed', `KafkaSink: ${what} failed: ${failure.message} — lower transactionTimeoutMs, or raise the broker's transaction.max.timeout.ms`, error);
  }
  if (failure.connection) {
    return new KafkaSinkError(
      'BrokerUnreachable',
      `KafkaSink: ${what} failed: cannot reach the Kafka brokers ${brokers.join(', ')} (${failure.message}) — check \`brokers\` and that Kafka is running and reachable from this machine`,
      error,
    );
  }
  return new KafkaSinkError('WriteFailed', `KafkaSink: ${what} failed: ${failure.message}`, error);
}
