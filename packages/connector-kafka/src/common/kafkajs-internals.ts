/**
 * Every use of kafkajs internals in the Kafka connector, in this one file. kafkajs (pinned to exactly
 * 2.2.4 in package.json; it has had no release since) has no public API for two things that
 * exactly-once needs:
 *
 * 1. The producer id and epoch of a transactional producer. A committable must carry them, so that
 *    another process can commit the transaction after the one that prepared it died. kafkajs keeps
 *    them in a closure (src/producer/eosManager), and logs them when InitProducerId answers:
 *    `logger.debug('Initialized producer id & epoch', { producerId, producerEpoch })`, namespace
 *    'Producer'. A client made by `transactionalKafka()` logs at debug level into a logCreator that
 *    picks that entry out (and passes the rest on at the level the user chose). Each transactional
 *    producer initializes its id once, inside its first `transaction()` call, so exactly one entry
 *    must appear during that call: anything else fails loudly instead of guessing.
 *
 * 2. Requests to a transaction coordinator without a producer: EndTxn(COMMIT) for a transaction that a
 *    dead process prepared (Flink does the same by reflection, FlinkKafkaInternalProducer
 *    .resumeTransaction), and InitProducerId to fence a transactional id, which aborts its open
 *    transaction. kafkajs builds its Cluster (connections, metadata, coordinator lookup) through a
 *    function kept on the Kafka object under `Symbol('private:Kafka:createCluster')` (src/index.js);
 *    we find that symbol by its description, build a Cluster (connect, refreshMetadata), find the
 *    coordinator with `cluster.findGroupCoordinator({ groupId: transactionalId, coordinatorType: 1 })`
 *    and call `broker.endTxn(...)` / `broker.initProducerId(...)` (src/cluster/index.js,
 *    src/broker/index.js).
 *    Errors come back as kafkajs's KafkaJSProtocolError, whose `type` (e.g. 'INVALID_TXN_STATE') is
 *    public.
 *
 * `checkKafkajsInternals()` verifies up front what can be verified without a broker; the rest is
 * verified on use, and every failure names the missing piece and the kafkajs version found.
 */
import { createRequire } from 'node:module';
import { SageError } from '@sage/core';
import { Kafka, logLevel, type KafkaConfig, type LogEntry, type Producer, type Transaction, type logCreator } from 'kafkajs';

/** The kafkajs version these internals were read from. */
export const KAFKAJS_VERSION = '2.2.4';

const CREATE_CLUSTER = 'private:Kafka:createCluster';
const PRODUCER_ID_MESSAGE = 'Initialized producer id & epoch';
/** FindCoordinator's key type for transaction coordinators (Kafka protocol: 0 group, 1 transaction). */
const TRANSACTION_COORDINATOR = 1;

/** The kafkajs in use lacks an internal the exactly-once Kafka sink relies on. */
export class KafkajsInternalsUnavailable extends SageError {
  constructor(missing: string) {
    super(
      'KafkajsInternalsUnavailable',
      `Kafka exactly-once needs a kafkajs internal that kafkajs ${installedVersion()} lacks: ${missing}. ` +
        `Sage's Kafka connector is built against kafkajs ${KAFKAJS_VERSION} exactly (see packages/connector-kafka/src/common/kafkajs-internals.ts): ` +
        `install kafkajs@${KAFKAJS_VERSION}, or use deliveryGuarantee 'at-least-once'`,
    );
  }
}

/** KAFKAJS_LOG_LEVEL is set to a level that hides the debug entry exactly-once reads. */
export class KafkajsLogLevelConflict extends SageError {
  constructor(message: string) {
    super('KafkajsLogLevelConflict', message);
  }
}

export interface ProducerIdentity {
  /** An int64, as kafkajs gives it: a decimal string. */
  readonly producerId: string;
  readonly producerEpoch: number;
}

/** A Kafka client whose transactional producers report the producer id and epoch they get. */
export interface TransactionalKafka {
  readonly kafka: Kafka;
  /**
   * Begins the first transaction of a transactional producer that has not begun one yet (it is then
   * that kafkajs initializes the producer id), and returns it with the id and epoch it got.
   */
  beginFirstTransaction(producer: Producer): Promise<{ readonly transaction: Transaction } & ProducerIdentity>;
}

/**
 * A kafkajs client at debug level: its logCreator keeps the producer-id entries for
 * `beginFirstTransaction` and hands every other entry to `forward`'s log function.
 */
export function transactionalKafka(config: Omit<KafkaConfig, 'logLevel' | 'logCreator'>, forward: logCreator): TransactionalKafka {
  checkKafkajsInternals();
  /** The entries logged during the current beginFirstTransaction(). */
  let captured: LogEntry['log'][] = [];
  const capture: logCreator = (level) => {
    const passOn = forward(level);
    return (entry: LogEntry) => {
      if (entry.log.message === PRODUCER_ID_MESSAGE && entry.namespace === 'Producer') captured.push(entry.log);
      else passOn(entry);
    };
  };
  const kafka = new Kafka({ ...config, logLevel: logLevel.DEBUG, logCreator: capture });
  // One producer initializes at a time, so that each entry is attributed to the right producer.
  let turn: Promise<unknown> = Promise.resolve();
  return {
    kafka,
    beginFirstTransaction(producer) {
      const begin = async () => {
        captured = [];
        const transaction = await producer.transaction();
        const entries = captured;
        captured = [];
        if (entries.length !== 1) {
          await transaction.abort().catch(() => undefined);
          throw new KafkajsInternalsUnavailable(
            `the debug log entry '${PRODUCER_ID_MESSAGE}' with { producerId, producerEpoch } when a transactional producer initializes (seen ${entries.length} times instead of once)`,
          );
        }
        const { producerId, producerEpoch } = entries[0] as { producerId?: unknown; producerEpoch?: unknown };
        return { transaction, ...toIdentity(producerId, producerEpoch) };
      };
      const result = turn.then(begin, begin);
      turn = result.catch(() => undefined);
      return result;
    },
  };
}

/** What the connector calls on a kafkajs Cluster and on the Broker objects it hands out. */
interface InternalCluster {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  refreshMetadata(): Promise<void>;
  findGroupCoordinator(request: { groupId: string; coordinatorType: number }): Promise<InternalBroker>;
}
interface InternalBroker {
  initProducerId(request: { transactionalId: string; transactionTimeout: number }): Promise<{ producerId: unknown; producerEpoch: unknown }>;
  endTxn(request: { transactionalId: string; producerId: string; producerEpoch: number; transactionResult: boolean }): Promise<unknown>;
}

/**
 * Talks to transaction coordinators directly. Each call is one request (after a coordinator lookup);
 * retrying is the caller's decision, as what a retry means depends on the error.
 */
export class TransactionCoordinators {
  private constructor(private readonly cluster: InternalCluster) {}

  /** Connects a new kafkajs Cluster of `kafka` (its brokers, TLS, SASL and timeouts). */
  static async connect(kafka: Kafka): Promise<TransactionCoordinators> {
    const create = createClusterOf(kafka);
    const cluster = create({ allowAutoTopicCreation: false }) as Partial<InternalCluster> | undefined;
    for (const method of ['connect', 'disconnect', 'refreshMetadata', 'findGroupCoordinator'] as const) {
      if (typeof cluster?.[method] !== 'function') throw new KafkajsInternalsUnavailable(`Cluster.${method}()`);
    }
    const coordinators = new TransactionCoordinators(cluster as InternalCluster);
    await coordinators.cluster.connect();
    // Without broker metadata, the first coordinator lookup fails to find the coordinator's broker and
    // kafkajs retries it after its backoff (~300 ms); producers load metadata first for the same reason.
    await coordinators.cluster.refreshMetadata();
    return coordinators;
  }

  /**
   * InitProducerId for `transactionalId`: fences every producer that used it before and aborts its
   * open transaction. A transactional id never used before gets epoch 0.
   */
  async initProducerId(transactionalId: string, transactionTimeoutMs: number): Promise<ProducerIdentity> {
    const broker = await this.coordinatorOf(transactionalId, 'initProducerId');
    const { producerId, producerEpoch } = await broker.initProducerId({ transactionalId, transactionTimeout: transactionTimeoutMs });
    return toIdentity(producerId, producerEpoch);
  }

  /** EndTxn: commits (or aborts) the transaction of `producerId` at `producerEpoch` under `transactionalId`. */
  async endTxn(transactionalId: string, { producerId, producerEpoch }: ProducerIdentity, commit: boolean): Promise<void> {
    const broker = await this.coordinatorOf(transactionalId, 'endTxn');
    await broker.endTxn({ transactionalId, producerId, producerEpoch, transactionResult: commit });
  }

  async disconnect(): Promise<void> {
    await this.cluster.disconnect();
  }

  private async coordinatorOf(transactionalId: string, method: keyof InternalBroker): Promise<InternalBroker> {
    const broker = await this.cluster.findGroupCoordinator({ groupId: transactionalId, coordinatorType: TRANSACTION_COORDINATOR });
    if (typeof broker?.[method] !== 'function') throw new KafkajsInternalsUnavailable(`Broker.${method}()`);
    return broker;
  }
}

/**
 * Checks what can be checked without a broker: the private cluster factory, and that
 * KAFKAJS_LOG_LEVEL (which overrides every kafkajs logger's level) does not hide debug entries.
 */
export function checkKafkajsInternals(): void {
  createClusterOf(new Kafka({ brokers: ['127.0.0.1:9092'], logLevel: logLevel.NOTHING }));
  const env = process.env.KAFKAJS_LOG_LEVEL;
  if (env !== undefined && env !== '' && env.toUpperCase() !== 'DEBUG' && env.toUpperCase() in logLevel) {
    throw new KafkajsLogLevelConflict(
      `KAFKAJS_LOG_LEVEL=${env} hides the kafkajs debug entry that Kafka exactly-once reads producer ids from: unset KAFKAJS_LOG_LEVEL (or set it to debug), and choose kafkajs's log output with the sink's client.logLevel option`,
    );
  }
}

function createClusterOf(kafka: Kafka): (options: { allowAutoTopicCreation: boolean }) => unknown {
  const symbol = Object.getOwnPropertySymbols(kafka).find((s) => s.description === CREATE_CLUSTER);
  const create = symbol === undefined ? undefined : (kafka as unknown as Record<symbol, unknown>)[symbol];
  if (typeof create !== 'function') throw new KafkajsInternalsUnavailable(`the Kafka object's Symbol('${CREATE_CLUSTER}') function`);
  return create as (options: { allowAutoTopicCreation: boolean }) => unknown;
}

function toIdentity(producerId: unknown, producerEpoch: unknown): ProducerIdentity {
  const id = typeof producerId === 'number' || typeof producerId === 'bigint' ? String(producerId) : producerId;
  if (typeof id !== 'string' || !/^\d+$/.test(id) || !Number.isSafeInteger(producerEpoch) || (producerEpoch as number) < 0) {
    throw new KafkajsInternalsUnavailable(
      `a producer id and epoch as { producerId: decimal string, producerEpoch: integer }, got ${JSON.stringify({ producerId: String(producerId), producerEpoch })}`,
    );
  }
  return { producerId: id, producerEpoch: producerEpoch as number };
}

function installedVersion(): string {
  try {
    return (createRequire(import.meta.url)('kafkajs/package.json') as { version: string }).version;
  } catch {
    return '(version unknown)';
  }
}
