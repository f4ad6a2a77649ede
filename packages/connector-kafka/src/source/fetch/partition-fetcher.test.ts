/**
 * The fetcher's reactions to failures that a healthy shared broker cannot be made to show on cue:
 * stale leadership, lost connections, refused authorization, retention. The broker's part is played
 * by a scripted stand-in for BrokerConnections that answers each Fetch with a response or an error;
 * the record bytes in the responses are real RecordBatches. Reading from the real broker is tested in
 * kafka-source.test.ts.
 */
import { describe, expect, it } from 'vitest';
import type { BrokerConnections } from '../../common/kafkajs-internals.js';
import { RecordBatchBuilder } from '../../sink/produce/record-batch-builder.js';
import type { KafkaSourceError } from '../errors.js';
import { FetchBuffer, type PartitionState } from '../fetch-buffer.js';
import { resolveOptions } from '../options.js';
import { partitionKey } from '../partition-split.js';
import type { FetchedPartition, FetchResponse } from './fetch-request.js';
import { PartitionFetcher } from './partition-fetcher.js';

const TOPIC = 'orders';
const NOT_LEADER_OR_FOLLOWER = 6;
const OFFSET_OUT_OF_RANGE = 1;
const TOPIC_AUTHORIZATION_FAILED = 29;

/** One RecordBatch of `values` starting at `baseOffset`. */
function batch(baseOffset: number, values: readonly string[]): Buffer {
  const builder = new RecordBatchBuilder();
  for (const value of values) builder.append(null, 0, value, undefined, 1_700_000_000_000);
  const bytes = Buffer.from(builder.build());
  bytes.writeBigInt64BE(BigInt(baseOffset), 0);
  return bytes;
}

function answer(fields: Partial<FetchedPartition>): FetchResponse {
  return { throttleTimeMs: 0, partitions: [{ topic: TOPIC, partition: 0, errorCode: 0, highWatermark: 0, lastStableOffset: 0, abortedTransactions: [], records: Buffer.alloc(0), ...fields }] };
}

function connectionError(): Error {
  return Object.assign(new Error('Connection error: connect ECONNREFUSED 127.0.0.1:19092'), { name: 'KafkaJSConnectionError' });
}

type Reply = FetchResponse | Error;

/** Answers the n-th Fetch with `replies[n]`, and every later one with an empty response after a pause. */
class ScriptedBroker {
  readonly fetchOffsets: number[] = [];
  metadataLoads = 0;

  constructor(private readonly replies: readonly Reply[]) {}

  asConnections(): BrokerConnections {
    return this as unknown as BrokerConnections;
  }

  async ensureTopics(): Promise<void> {}

  async refreshMetadata(): Promise<void> {
    this.metadataLoads++;
  }

  partitionsOf(): { partitionId: number; leader: number }[] {
    return [{ partitionId: 0, leader: 1 }];
  }

  forgetBroker(): void {}

  async send(_nodeId: number, _api: unknown, body: (version: number) => Buffer): Promise<FetchResponse> {
    // partition 0's fetch offset sits after replica_id .. topic name .. partition count and index.
    const request = body(4);
    this.fetchOffsets.push(Number(request.readBigInt64BE(4 * 4 + 1 + 4 + 2 + TOPIC.length + 4 + 4)));
    const reply = this.replies[this.fetchOffsets.length - 1];
    if (reply === undefined) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      return answer({});
    }
    if (reply instanceof Error) throw reply;
    return reply;
  }
}

interface Run {
  readonly broker: ScriptedBroker;
  readonly buffer: FetchBuffer;
  readonly split: PartitionState;
  readonly failures: KafkaSourceError[];
  readonly fetcher: PartitionFetcher;
}

async function fetchWith(replies: readonly Reply[], { position = 0, retries = 3, earliest = 0 } = {}): Promise<Run> {
  const broker = new ScriptedBroker(replies);
  const options = resolveOptions({ brokers: ['127.0.0.1:19092'], topics: [TOPIC], groupId: 'g', client: { retries }, consumer: { maxWaitTimeMs: 50 } });
  const buffer = new FetchBuffer(1000);
  const split: PartitionState = { topic: TOPIC, partition: 0, position, fetchPosition: position, stoppingOffset: undefined };
  const failures: KafkaSourceError[] = [];
  const fetcher = new PartitionFetcher({
    connections: broker.asConnections(),
    options,
    buffer,
    partitions: new Map([[partitionKey(TOPIC, 0), split]]),
    earliestOffset: async () => earliest,
    onFailure: (error) => failures.push(error),
  });
  await fetcher.start();
  return { broker, buffer, split, failures, fetcher };
}

/** The buffered records' values, in order. */
function buffered(buffer: FetchBuffer): string[] {
  const values: string[] = [];
  for (let chunk = buffer.peek(); chunk !== undefined; chunk = buffer.peek()) {
    const { records } = chunk;
    for (let i = chunk.next; i < chunk.end; i++) values.push(records.buffers[records.bufferOf[i]!]!.toString('utf8', records.valueStart[i], records.valueEnd[i]));
    buffer.consumed(chunk.end - chunk.next);
    buffer.shift();
  }
  return values;
}

async function until(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('PartitionFetcher', () => {
  it('reloads metadata and fetches again from the same offset after a stale leader, losing nothing', async () => {
    const run = await fetchWith([answer({ errorCode: NOT_LEADER_OR_FOLLOWER }), answer({ records: batch(0, ['a', 'b']) }), answer({ records: batch(2, ['c']) })]);
    await until(() => run.split.fetchPosition === 3);
    run.fetcher.stop();
    expect(buffered(run.buffer)).toEqual(['a', 'b', 'c']);
    expect(run.broker.fetchOffsets.slice(0, 3)).toEqual([0, 0, 2]);
    expect(run.broker.metadataLoads).toBeGreaterThanOrEqual(1);
    expect(run.failures).toEqual([]);
  });

  it('retries a lost connection, and a success resets the count of failures in a row', async () => {
    const run = await fetchWith([connectionError(), connectionError(), answer({ records: batch(0, ['a']) }), connectionError(), connectionError(), answer({ records: batch(1, ['b']) })], { retries: 2 });
    await until(() => run.split.fetchPosition === 2);
    run.fetcher.stop();
    expect(buffered(run.buffer)).toEqual(['a', 'b']);
    expect(run.failures).toEqual([]);
  });

  it('fails the reader with FetchFailed naming the brokers after client.retries failures in a row', async () => {
    const run = await fetchWith([connectionError(), connectionError(), connectionError()], { retries: 2 });
    await until(() => run.failures.length > 0);
    run.fetcher.stop();
    expect(run.failures).toHaveLength(1);
    expect(run.failures[0]!.code).toBe('FetchFailed');
    expect(run.failures[0]!.message).toMatch(/partition 0 of 'orders' failed 3 times in a row: Connection error.*check that the brokers \(127\.0\.0\.1:19092\) are up/);
    expect(run.broker.fetchOffsets).toEqual([0, 0, 0]);
  });

  it('fails at once, saying what access is missing, when the broker refuses authorization', async () => {
    const run = await fetchWith([answer({ errorCode: TOPIC_AUTHORIZATION_FAILED })]);
    await until(() => run.failures.length > 0);
    run.fetcher.stop();
    expect(run.failures[0]!.code).toBe('FetchFailed');
    expect(run.failures[0]!.message).toMatch(/refused to fetch partition 0 of 'orders'.*grant this client read/);
    expect(run.broker.fetchOffsets).toEqual([0]);
  });

  it('goes on from the earliest retained offset when retention deleted the fetch position', async () => {
    const run = await fetchWith([answer({ errorCode: OFFSET_OUT_OF_RANGE }), answer({ records: batch(40, ['x', 'y']) })], { position: 7, earliest: 40 });
    await until(() => run.split.fetchPosition === 42);
    run.fetcher.stop();
    expect(run.broker.fetchOffsets.slice(0, 2)).toEqual([7, 40]);
    expect(buffered(run.buffer)).toEqual(['x', 'y']);
    expect(run.failures).toEqual([]);
  });
});
