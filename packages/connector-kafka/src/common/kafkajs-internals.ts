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
 * 3. The produce and fetch hot paths. kafkajs encodes a produce request with an Encoder and Buffers per
 *    record, varints through BigInt Longs and a byte-wise CRC, and decodes a whole fetch into objects
 *    at once (Longs, a Buffer per key and value) that survive young-generation collections until
 *    emitted; its consumer also filters aborted transactions wrongly when they end in another order
 *    than they began. So the sink encodes RecordBatches itself (sink/produce/) and the source decodes
 *    them lazily (source/fetch/), both over kafkajs's own connections, so connections, TLS, SASL and
 *    metadata stay kafkajs's. They need (class BrokerConnections):
 *    - a Cluster of their own (`Symbol('private:Kafka:createCluster')`, as above) for metadata
 *      (addMultipleTargetTopics, refreshMetadata[IfNecessary], findTopicPartitionMetadata) and the
 *      partition leaders' Broker objects (findBroker, removeBroker, isConnected, connect);
 *    - a Broker's `Symbol('private:Broker:sendRequest')` method (src/broker/index.js), which hands a
 *      `{ request, response }` pair to the broker's connection (Fetch on a connection of its own,
 *      src/network/connectionPool.js) and drops the connection when it closed, and the negotiated api
 *      versions in `broker.versions[apiKey].maxVersion`;
 *    - that the connection frames the object `request.encode()` resolves to by reading its `.buffer`
 *      after checking that `.buf` is a Buffer (src/protocol/request.js, Encoder.writeEncoder);
 *    - `createErrorFromCode` (src/protocol/error.js): a response's error code as the same
 *      KafkaJSProtocolError (type, retriable) kafkajs's producer would have thrown.
 *
 * `checkKafkajsInternals()` (exactly-once) and `checkConnectionInternals()` (every KafkaSink and KafkaSource) verify up
 * front what can be verified without a broker; the rest is verified on use, and every failure names
 * the missing piece and the kafkajs version found.
 */
/// <reference path="./kafkajs-src.d.ts" />
import { createRequire } from 'node:module';
import { SageError } from '@sage/core';
import { Kafka, logLevel, type KafkaConfig, type LogEntry, type Producer, type Transaction, type logCreator } from 'kafkajs';
// By path, so that a bundled job artifact carries the same module instances as the kafkajs it bundles.
import KafkajsBroker from 'kafkajs/src/broker/index.js';
import KafkajsEncoder from 'kafkajs/src/protocol/encoder.js';
import kafkajsErrors from 'kafkajs/src/protocol/error.js';

/** The kafkajs version these internals were read from. */
export const KAFKAJS_VERSION = '2.2.4';

const CREATE_CLUSTER = 'private:Kafka:createCluster';
const PRODUCER_ID_MESSAGE = 'Initialized producer id & epoch';
/** FindCoordinator's key type for transaction coordinators (Kafka protocol: 0 group, 1 transaction). */
const TRANSACTION_COORDINATOR = 1;

/** The kafkajs in use lacks an internal the Kafka sink relies on. */
export class KafkajsInternalsUnavailable extends SageError {
  /** `usedFor`: exactly-once's transactions, the produce path every KafkaSink writes through, or the fetch path every KafkaSource reads through. */
  constructor(missing: string, usedFor: 'exactly-once' | InternalsUser = 'exactly-once') {
    super(
      'KafkajsInternalsUnavailable',
      `${usedFor === 'exactly-once' ? 'Kafka exactly-once' : usedFor === 'produce' ? "KafkaSink's produce path" : "KafkaSource's fetch path"} needs a kafkajs internal that kafkajs ${installedVersion()} lacks: ${missing}. ` +
        `Sage's Kafka connector is built against kafkajs ${KAFKAJS_VERSION} exactly (see packages/connector-kafka/src/common/kafkajs-internals.ts): ` +
        `install kafkajs@${KAFKAJS_VERSION}${usedFor === 'exactly-once' ? ", or use deliveryGuarantee 'at-least-once'" : ''}`,
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

const SEND_REQUEST = 'private:Broker:sendRequest';
/** kafkajs's producer metadata age (producer/index.js): refreshMetadataIfNecessary reloads older metadata. */
const METADATA_MAX_AGE_MS = 300_000;

/** What the connection's own requests need from us: the Kafka API (its key and name) the body is for. */
export interface KafkaApi {
  readonly key: number;
  readonly name: string;
  /** The request versions the connector encodes and decodes. */
  readonly min: number;
  readonly max: number;
  /**
   * From this version on the broker answers before it throttles and the client must wait instead
   * (KIP-219): the decoded response's `throttleTimeMs` is handed to kafkajs's connection.
   */
  readonly clientThrottlesFrom?: number;
}

/** The KafkaSink's produce path or the KafkaSource's fetch path: which one is missing an internal. */
export type InternalsUser = 'produce' | 'fetch';

/** A Kafka protocol error as kafkajs throws it (KafkaJSProtocolError). */
export type KafkaProtocolError = Error & { readonly type: string; readonly code: number; readonly retriable: boolean };

/** A partition in kafkajs's cached metadata (PartitionMetadata). */
export interface PartitionMetadata {
  readonly partitionId: number;
  /** The leader's node id; -1 when the partition has none. */
  readonly leader: number;
}

interface ConnectionCluster {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  isConnected(): boolean;
  removeBroker(address: { host: string; port: number }): void;
  refreshMetadata(): Promise<void>;
  refreshMetadataIfNecessary(): Promise<void>;
  addMultipleTargetTopics(topics: string[]): Promise<void>;
  findTopicPartitionMetadata(topic: string): PartitionMetadata[];
  findBroker(request: { nodeId: number }): Promise<ConnectionBroker>;
}
interface ConnectionBroker {
  readonly versions: Record<number, { readonly maxVersion?: number } | undefined> | null;
  readonly brokerAddress?: string;
}
/** The `{ request, response }` pair a kafkajs connection sends (src/network/connection.js). */
interface ProtocolRequest<T> {
  readonly request: { apiKey: number; apiVersion: number; apiName: string; expectResponse(): boolean; encode(): Promise<unknown> };
  readonly response: { decode(payload: Buffer): Promise<T & { clientSideThrottleTime?: number }>; parse(decoded: T): Promise<T> };
  /** Overrides the connection's requestTimeout (a fetch may wait at the broker on top of it). */
  readonly requestTimeout?: number;
}

const internalsChecked = new Set<InternalsUser>();

/**
 * Checks, without a broker, the kafkajs internals the produce and fetch paths use: the private
 * cluster factory, the broker's send method, request framing of an encoded body, and the protocol
 * error table.
 */
export function checkConnectionInternals(usedFor: InternalsUser): void {
  if (internalsChecked.has(usedFor)) return;
  createClusterOf(new Kafka({ brokers: ['127.0.0.1:9092'], logLevel: logLevel.NOTHING }), usedFor);
  sendRequestOf(KafkajsBroker?.prototype, usedFor);
  const body = Buffer.from([1, 2, 3]);
  let framed: Buffer | undefined;
  try {
    framed = new KafkajsEncoder().writeEncoder(encodedBody(body)).buffer;
  } catch {
    framed = undefined;
  }
  if (framed === undefined || !framed.equals(body)) {
    throw new KafkajsInternalsUnavailable("Encoder.writeEncoder() taking any { buf, buffer } (src/protocol/encoder.js), which frames a request's encoded body", usedFor);
  }
  const error = typeof kafkajsErrors?.createErrorFromCode === 'function' ? kafkajsErrors.createErrorFromCode(6) : undefined;
  if (error?.type !== 'NOT_LEADER_FOR_PARTITION' || error.retriable !== true) {
    throw new KafkajsInternalsUnavailable("createErrorFromCode() (src/protocol/error.js) giving error code 6 as a retriable 'NOT_LEADER_FOR_PARTITION'", usedFor);
  }
  internalsChecked.add(usedFor);
}

/** The KafkaJSProtocolError kafkajs would throw for a Kafka error code. */
export function protocolError(code: number): KafkaProtocolError {
  return kafkajsErrors.createErrorFromCode(code);
}

/**
 * A kafkajs Cluster of one writer's or reader's own: metadata (partition leaders, refresh), and
 * requests whose body the connector encoded and whose response it decodes, sent over kafkajs's
 * connections to the leaders (connections, TLS, SASL and api-version negotiation stay kafkajs's).
 */
export class BrokerConnections {
  private constructor(
    private readonly cluster: ConnectionCluster,
    private readonly usedFor: InternalsUser,
  ) {}

  /** Connects a new kafkajs Cluster of `kafka` (its brokers, TLS, SASL, timeouts and retries). */
  static async connect(kafka: Kafka, usedFor: InternalsUser): Promise<BrokerConnections> {
    checkConnectionInternals(usedFor);
    const create = createClusterOf(kafka, usedFor);
    const cluster = create({ allowAutoTopicCreation: false, metadataMaxAge: METADATA_MAX_AGE_MS }) as Partial<ConnectionCluster> | undefined;
    const methods = ['connect', 'disconnect', 'isConnected', 'removeBroker', 'refreshMetadata', 'refreshMetadataIfNecessary', 'addMultipleTargetTopics', 'findTopicPartitionMetadata', 'findBroker'] as const;
    for (const method of methods) {
      if (typeof cluster?.[method] !== 'function') throw new KafkajsInternalsUnavailable(`Cluster.${method}()`, usedFor);
    }
    const connections = new BrokerConnections(cluster as ConnectionCluster, usedFor);
    await connections.cluster.connect();
    return connections;
  }

  /** Loads metadata for topics not yet in it, and reloads it all when it is older than kafkajs's producer keeps it. */
  async ensureTopics(topics: string[]): Promise<void> {
    await this.cluster.addMultipleTargetTopics(topics);
    await this.cluster.refreshMetadataIfNecessary();
  }

  /** After a stale-metadata error or a lost connection: reconnects if every connection is gone, and reloads metadata. */
  async refreshMetadata(): Promise<void> {
    if (!this.cluster.isConnected()) await this.cluster.connect();
    await this.cluster.refreshMetadata();
  }

  /** The topic's partitions in the cached metadata; a new array after each refresh. */
  partitionsOf(topic: string): readonly PartitionMetadata[] {
    return this.cluster.findTopicPartitionMetadata(topic);
  }

  /** Forgets a broker whose connection closed (kafkajs's producer does the same). */
  forgetBroker(address: { host: string; port: number }): void {
    this.cluster.removeBroker(address);
  }

  /**
   * Sends `body` as a request of `api` to broker `nodeId`, at the highest version both the broker and
   * the connector speak; `decode` reads the response at that version. `expectResponse` false: a
   * request the broker does not answer (Produce with acks=0).
   */
  async send<T>(
    nodeId: number,
    api: KafkaApi,
    body: (version: number) => Buffer,
    decode: (payload: Buffer, version: number) => T,
    options: { expectResponse?: boolean; requestTimeoutMs?: number } = {},
  ): Promise<T> {
    const broker = await this.cluster.findBroker({ nodeId });
    const supported = broker.versions?.[api.key]?.maxVersion;
    if (typeof supported !== 'number') throw new KafkajsInternalsUnavailable(`Broker.versions[${api.key}].maxVersion, the ${api.name} versions a connected broker supports`, this.usedFor);
    const version = Math.min(api.max, supported);
    if (version < api.min) {
      throw new Error(`the broker ${broker.brokerAddress ?? nodeId} speaks ${api.name} up to version ${supported}; Sage's Kafka connector needs version ${api.min} (Kafka 0.11 or later)`);
    }
    const send = sendRequestOf(Object.getPrototypeOf(broker) as object, this.usedFor);
    const expectResponse = options.expectResponse ?? true;
    const throttleFrom = api.clientThrottlesFrom;
    const request: ProtocolRequest<T> = {
      request: { apiKey: api.key, apiVersion: version, apiName: api.name, expectResponse: () => expectResponse, encode: async () => encodedBody(body(version)) },
      response: {
        decode: async (payload) => {
          const decoded = decode(payload, version) as T & { clientSideThrottleTime?: number; throttleTimeMs?: number };
          if (throttleFrom !== undefined && version >= throttleFrom && typeof decoded.throttleTimeMs === 'number') decoded.clientSideThrottleTime = decoded.throttleTimeMs;
          return decoded;
        },
        parse: async (decoded) => decoded,
      },
      ...(options.requestTimeoutMs !== undefined ? { requestTimeout: options.requestTimeoutMs } : {}),
    };
    return (await send.call(broker, request)) as T;
  }

  async disconnect(): Promise<void> {
    await this.cluster.disconnect();
  }
}

/** What kafkajs's Encoder.writeEncoder() takes for a body encoded elsewhere: a Buffer as `buf`, the bytes as `buffer`. */
function encodedBody(body: Buffer): { buf: Buffer; buffer: Buffer } {
  return { buf: body, buffer: body };
}

function sendRequestOf(prototype: object | undefined, usedFor: InternalsUser): (request: ProtocolRequest<unknown>) => Promise<unknown> {
  const symbol = prototype === undefined ? undefined : Object.getOwnPropertySymbols(prototype).find((s) => s.description === SEND_REQUEST);
  const send = symbol === undefined ? undefined : (prototype as Record<symbol, unknown>)[symbol];
  if (typeof send !== 'function') throw new KafkajsInternalsUnavailable(`the Broker method Symbol('${SEND_REQUEST}')`, usedFor);
  return send as (request: ProtocolRequest<unknown>) => Promise<unknown>;
}

function createClusterOf(kafka: Kafka, usedFor: 'exactly-once' | InternalsUser = 'exactly-once'): (options: { allowAutoTopicCreation: boolean; metadataMaxAge?: number }) => unknown {
  const symbol = Object.getOwnPropertySymbols(kafka).find((s) => s.description === CREATE_CLUSTER);
  const create = symbol === undefined ? undefined : (kafka as unknown as Record<symbol, unknown>)[symbol];
  if (typeof create !== 'function') throw new KafkajsInternalsUnavailable(`the Kafka object's Symbol('${CREATE_CLUSTER}') function`, usedFor);
  return create as (options: { allowAutoTopicCreation: boolean; metadataMaxAge?: number }) => unknown;
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
