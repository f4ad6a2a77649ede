/**
 * Sends finished record batches to the leaders of their partitions, one Produce request per leader
 * (in parallel), and sends again what failed with a retriable error, as kafkajs's producer decides it
 * (producer/sendMessages.js): a stale-metadata or connection error reloads metadata first, a
 * non-retriable one fails at once, and after `retries` more tries the last error is thrown. Unlike
 * kafkajs, only the partitions that failed go again, not every partition of the request.
 */
import { protocolError, type BrokerConnections, type KafkaApi } from '../../common/kafkajs-internals.js';
import { decodeProduceResponse, encodeProduceRequest, MAX_PRODUCE_VERSION, MIN_PRODUCE_VERSION, type ProduceResponse, type TopicRecords } from './produce-request.js';

/** One partition's finished RecordBatch. */
export interface PartitionBatch {
  readonly topic: string;
  readonly partition: number;
  readonly records: Buffer;
}

export interface SenderOptions {
  /** Tries after the first, as kafkajs's `retry.retries`. */
  readonly retries: number;
  readonly transactionalId: string | null;
  /** -1: acknowledged by every in-sync replica. */
  readonly acks: number;
  /** How long the broker may wait for the replicas' acknowledgement. */
  readonly ackTimeoutMs: number;
  /** Error codes that mean the partition already has these records (an idempotent resend). */
  readonly alreadyWritten?: ReadonlySet<number>;
}

/** kafkajs's producer retry as the sink configures it: 100 ms doubling up to 1 s, ±20 %. */
const INITIAL_RETRY_MS = 100;
const MAX_RETRY_MS = 1000;
const LEADER_NOT_AVAILABLE = 5;
/** No partition response came back for a partition that was sent: not a Kafka error code, reported as UNKNOWN_SERVER_ERROR. */
const UNKNOWN_SERVER_ERROR = -1;
/** From version 6 on the broker answers before it throttles, and the client must wait instead (KIP-219). */
const PRODUCE: KafkaApi = { key: 0, name: 'Produce', min: MIN_PRODUCE_VERSION, max: MAX_PRODUCE_VERSION, clientThrottlesFrom: 6 };

interface Attempt {
  readonly failed: PartitionBatch[];
  /** The last error seen, thrown when no retry is left. */
  error: unknown;
  /** An error no retry can fix. */
  fatal: unknown;
  refreshMetadata: boolean;
}

export class Sender {
  constructor(
    private readonly connections: BrokerConnections,
    private readonly options: SenderOptions,
  ) {}

  async send(batches: readonly PartitionBatch[]): Promise<void> {
    let pending = batches;
    for (let retry = 0; ; retry++) {
      const attempt = await this.sendOnce(pending);
      if (attempt.failed.length === 0) return;
      if (attempt.fatal !== undefined) throw attempt.fatal;
      if (retry >= this.options.retries) throw attempt.error;
      await new Promise((resolve) => setTimeout(resolve, backoffMs(retry)));
      if (attempt.refreshMetadata) await this.connections.refreshMetadata();
      pending = attempt.failed;
    }
  }

  private async sendOnce(batches: readonly PartitionBatch[]): Promise<Attempt> {
    const attempt: Attempt = { failed: [], error: undefined, fatal: undefined, refreshMetadata: false };
    const byLeader = new Map<number, PartitionBatch[]>();
    const leaders = new Map<string, Map<number, number>>();
    for (const batch of batches) {
      let ofTopic = leaders.get(batch.topic);
      if (ofTopic === undefined) {
        ofTopic = new Map(this.connections.partitionsOf(batch.topic).map((p) => [p.partitionId, p.leader]));
        leaders.set(batch.topic, ofTopic);
      }
      const leader = ofTopic.get(batch.partition);
      if (leader === undefined || leader < 0) {
        this.failed(attempt, [batch], protocolError(LEADER_NOT_AVAILABLE));
        continue;
      }
      const list = byLeader.get(leader);
      if (list === undefined) byLeader.set(leader, [batch]);
      else list.push(batch);
    }
    const requests = [...byLeader];
    const outcomes = await Promise.allSettled(requests.map(([nodeId, list]) => this.sendTo(nodeId, list)));
    for (let i = 0; i < requests.length; i++) {
      const list = requests[i]![1];
      const outcome = outcomes[i]!;
      if (outcome.status === 'rejected') {
        const error = outcome.reason as { name?: string; host?: string; port?: number };
        if (error?.name === 'KafkaJSConnectionClosedError' && error.host !== undefined && error.port !== undefined) {
          this.connections.forgetBroker({ host: error.host, port: error.port });
        }
        this.failed(attempt, list, outcome.reason);
        continue;
      }
      const codes = new Map<string, number>();
      for (const p of outcome.value.partitions) codes.set(`${p.topic}\u0000${p.partition}`, p.errorCode);
      for (const batch of list) {
        const code = codes.get(`${batch.topic}\u0000${batch.partition}`) ?? UNKNOWN_SERVER_ERROR;
        if (code === 0 || this.options.alreadyWritten?.has(code)) continue;
        this.failed(attempt, [batch], protocolError(code));
      }
    }
    return attempt;
  }

  private failed(attempt: Attempt, batches: readonly PartitionBatch[], error: unknown): void {
    attempt.failed.push(...batches);
    attempt.error = error;
    const { name, type, retriable } = (error ?? {}) as { name?: string; type?: string; retriable?: boolean };
    // kafkajs's producer retries only what kafkajs marks retriable, and reloads metadata first for these.
    if (retriable !== true) attempt.fatal ??= error;
    if (type !== undefined || name === 'KafkaJSConnectionError' || name === 'KafkaJSConnectionClosedError' || name === 'KafkaJSBrokerNotFound') {
      attempt.refreshMetadata = true;
    }
  }

  private sendTo(nodeId: number, batches: readonly PartitionBatch[]): Promise<ProduceResponse> {
    const byTopic = new Map<string, { partition: number; records: Buffer }[]>();
    for (const { topic, partition, records } of batches) {
      const list = byTopic.get(topic);
      if (list === undefined) byTopic.set(topic, [{ partition, records }]);
      else list.push({ partition, records });
    }
    const topics: TopicRecords[] = [...byTopic].map(([topic, partitions]) => ({ topic, partitions }));
    const { transactionalId, acks, ackTimeoutMs } = this.options;
    const body = encodeProduceRequest({ transactionalId, acks, timeoutMs: ackTimeoutMs, topics });
    return this.connections.send(nodeId, PRODUCE, () => body, decodeProduceResponse, { expectResponse: acks !== 0 });
  }
}

function backoffMs(retry: number): number {
  return Math.min(MAX_RETRY_MS, INITIAL_RETRY_MS * 2 ** retry) * (0.8 + 0.4 * Math.random());
}
