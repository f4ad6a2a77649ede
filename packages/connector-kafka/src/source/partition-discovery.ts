/**
 * Which partitions the source reads (its topics, or the topics its pattern matches, with their
 * partition counts) and where each starts and, in bounded mode, ends. All through the admin client;
 * nothing here ever creates a topic.
 */
import type { Admin } from 'kafkajs';
import { KafkaSourceError } from './errors.js';
import type { ResolvedKafkaSourceOptions, StartingOffsets } from './options.js';
import { partitionKey } from './partition-split.js';

export interface TopicPartition {
  readonly topic: string;
  readonly partition: number;
}

/** Every partition of the source's topics, sorted by topic and partition. */
export async function discoverPartitions(admin: Admin, options: ResolvedKafkaSourceOptions): Promise<TopicPartition[]> {
  const existing = await lookup(() => admin.listTopics(), 'list the topics', options);
  let topics: string[];
  if (options.topics !== undefined) {
    const known = new Set(existing);
    const missing = options.topics.filter((t) => !known.has(t));
    if (missing.length > 0) {
      const names = missing.map((t) => `'${t}'`).join(', ');
      throw new KafkaSourceError(
        'TopicNotFound',
        `KafkaSource: topic ${names} does not exist on ${options.brokers.join(', ')} — create ${missing.length > 1 ? 'them' : 'it'} first (the source never creates topics) or fix \`topics\``,
      );
    }
    topics = [...options.topics];
  } else {
    const pattern = wholeName(options.topicPattern!);
    topics = existing.filter((t) => !t.startsWith('__') && pattern.test(t));
    if (topics.length === 0 && options.partitionDiscoveryIntervalMs === undefined) {
      throw new KafkaSourceError(
        'TopicNotFound',
        `KafkaSource: no topic on ${options.brokers.join(', ')} matches ${String(options.topicPattern)} — create one, fix \`topicPattern\`, or set partitionDiscoveryIntervalMs to wait for matching topics`,
      );
    }
  }
  if (topics.length === 0) return [];
  const metadata = await lookup(() => admin.fetchTopicMetadata({ topics }), 'read the topics\' partitions', options);
  const partitions: TopicPartition[] = [];
  for (const { name, partitions: list } of metadata.topics) {
    for (const { partitionId } of list) partitions.push({ topic: name, partition: partitionId });
  }
  return partitions.sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition));
}

/** The offset each partition starts at on a fresh start, by partitionKey. */
export async function startingOffsets(
  admin: Admin,
  options: ResolvedKafkaSourceOptions,
  start: StartingOffsets,
  partitions: readonly TopicPartition[],
): Promise<Map<string, number>> {
  const offsets = new Map<string, number>();
  for (const [topic, wanted] of byTopic(partitions)) {
    const ends = await lookup(() => admin.fetchTopicOffsets(topic), `read the offsets of '${topic}'`, options);
    const low = new Map(ends.map((e) => [e.partition, Number(e.low)]));
    let chosen: Map<number, number>;
    if (start === 'earliest') {
      chosen = low;
    } else if (start === 'latest') {
      chosen = new Map(ends.map((e) => [e.partition, Number(e.high)]));
    } else if (start === 'committed') {
      const [committed] = await lookup(() => admin.fetchOffsets({ groupId: options.groupId, topics: [topic] }), `read group '${options.groupId}''s offsets`, options);
      chosen = new Map();
      for (const { partition, offset } of committed?.partitions ?? []) {
        // -1: the group has no offset for the partition; start at the oldest record.
        const value = Number(offset);
        chosen.set(partition, value >= 0 ? Math.max(value, low.get(partition) ?? 0) : (low.get(partition) ?? 0));
      }
    } else {
      const byTime = await lookup(() => admin.fetchTopicOffsetsByTimestamp(topic, start.timestamp), `find offsets by timestamp in '${topic}'`, options);
      chosen = new Map(byTime.map((e) => [e.partition, Number(e.offset)]));
    }
    for (const partition of wanted) offsets.set(partitionKey(topic, partition), chosen.get(partition) ?? low.get(partition) ?? 0);
  }
  return offsets;
}

/**
 * The end of each partition now: the last stable offset, below any open transaction, since the
 * consumer reads committed records only.
 */
export async function endOffsets(admin: Admin, options: ResolvedKafkaSourceOptions, partitions: readonly TopicPartition[]): Promise<Map<string, number>> {
  const offsets = new Map<string, number>();
  for (const [topic, wanted] of byTopic(partitions)) {
    const ends = await lookup(() => admin.fetchTopicOffsets(topic), `read the end offsets of '${topic}'`, options);
    const high = new Map(ends.map((e) => [e.partition, Number(e.high)]));
    for (const partition of wanted) offsets.set(partitionKey(topic, partition), high.get(partition) ?? 0);
  }
  return offsets;
}

/** A pattern matches a topic's whole name, as Kafka's and Flink's pattern subscriptions do. */
function wholeName(pattern: RegExp): RegExp {
  return new RegExp(`^(?:${pattern.source})$`, pattern.flags.replace(/[gy]/g, ''));
}

function byTopic(partitions: readonly TopicPartition[]): Map<string, number[]> {
  const map = new Map<string, number[]>();
  for (const { topic, partition } of partitions) {
    const list = map.get(topic);
    if (list === undefined) map.set(topic, [partition]);
    else list.push(partition);
  }
  return map;
}

async function lookup<R>(call: () => Promise<R>, what: string, options: ResolvedKafkaSourceOptions): Promise<R> {
  try {
    return await call();
  } catch (error) {
    throw new KafkaSourceError(
      'MetadataLookupFailed',
      `KafkaSource: could not ${what} on ${options.brokers.join(', ')}: ${(error as Error).message} — check that the brokers are up and this client may describe the topics`,
      error,
    );
  }
}
