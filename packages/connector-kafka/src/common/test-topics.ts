/**
 * Test support for the Kafka connector's tests (not exported from the package): the local broker
 * (deploy/kafka/kafka.sh, 127.0.0.1:$SAGE_KAFKA_PORT, default 19092) and throwaway topics with unique
 * names, created and deleted through the admin client since the broker never creates topics itself.
 */
import { randomBytes } from 'node:crypto';
import { Kafka, logLevel, type Admin, type IHeaders, type Producer } from 'kafkajs';

export const TEST_BROKERS: readonly string[] = [`127.0.0.1:${process.env.SAGE_KAFKA_PORT ?? 19092}`];

export interface TestMessage {
  readonly partition: number;
  readonly value: string | Buffer | null;
  readonly key?: string | Buffer | null;
  readonly headers?: IHeaders;
  /** Epoch ms; the producer's clock when not given. */
  readonly timestamp?: number;
}

/** Topics, groups and a producer for one test file; `close()` deletes every topic and group it made. */
export class TestTopics {
  readonly kafka = new Kafka({ brokers: [...TEST_BROKERS], clientId: 'sage-connector-kafka-tests', logLevel: logLevel.NOTHING });
  private admin: Admin | undefined;
  private producer: Producer | undefined;
  private readonly topics: string[] = [];
  private readonly groups: string[] = [];

  constructor(private readonly prefix: string) {}

  async connect(): Promise<Admin> {
    if (this.admin === undefined) {
      const admin = this.kafka.admin();
      await admin.connect();
      this.admin = admin;
    }
    return this.admin;
  }

  /** A new topic with a unique name; deleted by close(). */
  async create(partitions: number): Promise<string> {
    const admin = await this.connect();
    const topic = this.uniqueName('topic');
    await admin.createTopics({ topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }], waitForLeaders: true });
    this.topics.push(topic);
    return topic;
  }

  /**
   * Grows a topic to `count` partitions. The producer is replaced: kafkajs's producer silently drops
   * messages for partitions its cached metadata does not know.
   */
  async addPartitions(topic: string, count: number): Promise<void> {
    const admin = await this.connect();
    await admin.createPartitions({ topicPartitions: [{ topic, count }] });
    const producer = this.producer;
    this.producer = undefined;
    await producer?.disconnect();
  }

  /** A unique consumer-group name; the group is deleted by close(). */
  group(): string {
    const group = this.uniqueName('group');
    this.groups.push(group);
    return group;
  }

  /** Sends the messages, each to its partition, and waits for the broker's acknowledgement. */
  async produce(topic: string, messages: readonly TestMessage[]): Promise<void> {
    const producer = await this.connectProducer();
    for (let i = 0; i < messages.length; i += 1000) {
      await producer.send({
        topic,
        acks: -1,
        messages: messages.slice(i, i + 1000).map((m) => ({
          partition: m.partition,
          value: m.value,
          key: m.key ?? null,
          ...(m.headers !== undefined ? { headers: m.headers } : {}),
          ...(m.timestamp !== undefined ? { timestamp: String(m.timestamp) } : {}),
        })),
      });
    }
  }

  /** `count` messages `<prefix>-<i>` spread round-robin over `partitions` partitions. */
  async produceNumbered(topic: string, partitions: number, count: number, prefix = 'r', from = 0): Promise<string[]> {
    const values = Array.from({ length: count }, (_, i) => `${prefix}-${from + i}`);
    await this.produce(
      topic,
      values.map((value, i) => ({ partition: (from + i) % partitions, value })),
    );
    return values;
  }

  /**
   * Commits offsets for a group nobody is in, as an earlier consumer of the group would have. (The
   * admin client's setOffsets does the same but waits out a 5 s fetch.)
   */
  async commitOffsets(groupId: string, topic: string, offsets: readonly { partition: number; offset: number }[]): Promise<void> {
    const consumer = this.kafka.consumer({ groupId, maxWaitTimeInMs: 50, heartbeatInterval: 100, sessionTimeout: 6000, allowAutoTopicCreation: false });
    await consumer.connect();
    try {
      await consumer.subscribe({ topics: [topic] });
      await consumer.run({ autoCommit: false, eachBatch: async () => {} });
      consumer.pause([{ topic }]);
      await consumer.commitOffsets(offsets.map(({ partition, offset }) => ({ topic, partition, offset: String(offset) })));
    } finally {
      await consumer.disconnect();
    }
  }

  /** The group's committed offset per partition (-1 where it has none). */
  async committedOffsets(groupId: string, topic: string): Promise<Map<number, number>> {
    const admin = await this.connect();
    const [offsets] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return new Map((offsets?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
  }

  /** The end offset of every partition. */
  async endOffsets(topic: string): Promise<Map<number, number>> {
    const admin = await this.connect();
    return new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, Number(p.high)]));
  }

  async close(): Promise<void> {
    const admin = this.admin;
    try {
      if (admin !== undefined && this.groups.length > 0) {
        const existing = new Set((await admin.listGroups()).groups.map((g) => g.groupId));
        const groups = this.groups.filter((g) => existing.has(g));
        if (groups.length > 0) await admin.deleteGroups(groups);
      }
      if (admin !== undefined && this.topics.length > 0) await admin.deleteTopics({ topics: this.topics });
    } finally {
      await this.producer?.disconnect();
      await admin?.disconnect();
    }
  }

  private async connectProducer(): Promise<Producer> {
    if (this.producer === undefined) {
      const producer = this.kafka.producer({ allowAutoTopicCreation: false });
      await producer.connect();
      this.producer = producer;
    }
    return this.producer;
  }

  private uniqueName(kind: string): string {
    return `sage-test-${this.prefix}-${kind}-${randomBytes(4).toString('hex')}`;
  }
}
