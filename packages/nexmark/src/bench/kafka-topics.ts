/**
 * The Kafka benchmarks' topics on the local broker (deploy/kafka/kafka.sh, 127.0.0.1:$SAGE_KAFKA_PORT):
 * created with unique `sage-bench-…` names through the admin client (the broker never creates topics),
 * filled before the timed part, and deleted, with the consumer groups the jobs used, by `close()`.
 */
import { randomBytes } from 'node:crypto';
import { Kafka, logLevel, type Admin, type Message } from 'kafkajs';

export const BENCH_KAFKA_BROKERS: readonly string[] = [`127.0.0.1:${process.env.SAGE_KAFKA_PORT ?? 19092}`];

/** Records per sendBatch request while filling a topic, and requests in flight at once. */
const FILL_BATCH = 2_000;
const FILL_IN_FLIGHT = 4;

export class BenchTopics {
  private readonly kafka = new Kafka({ brokers: [...BENCH_KAFKA_BROKERS], clientId: 'sage-bench', logLevel: logLevel.NOTHING });
  private admin: Admin | undefined;
  private readonly topics: string[] = [];
  private readonly groups: string[] = [];

  constructor(private readonly prefix: string) {}

  async create(partitions: number): Promise<string> {
    const admin = await this.connect();
    const topic = this.uniqueName('topic');
    await admin.createTopics({ topics: [{ topic, numPartitions: partitions, replicationFactor: 1 }], waitForLeaders: true });
    this.topics.push(topic);
    return topic;
  }

  /** A unique consumer-group name, deleted by close() if the broker has it. */
  group(): string {
    const group = this.uniqueName('group');
    this.groups.push(group);
    return group;
  }

  /** Writes `count` values `value(i)` round-robin over the partitions, with several sendBatch requests in flight. */
  async fill(topic: string, partitions: number, count: number, value: (i: number) => string): Promise<void> {
    const producer = this.kafka.producer({ allowAutoTopicCreation: false });
    await producer.connect();
    try {
      let next = 0;
      const sender = async () => {
        while (next < count) {
          const from = next;
          const to = Math.min(count, from + FILL_BATCH);
          next = to;
          const messages: Message[] = [];
          for (let i = from; i < to; i++) messages.push({ partition: i % partitions, value: value(i) });
          await producer.sendBatch({ acks: -1, topicMessages: [{ topic, messages }] });
        }
      };
      await Promise.all(Array.from({ length: FILL_IN_FLIGHT }, sender));
    } finally {
      await producer.disconnect();
    }
  }

  /** Records in the topic: the sum of its partitions' end offsets (transaction markers included). */
  async endOffsetSum(topic: string): Promise<number> {
    const admin = await this.connect();
    return (await admin.fetchTopicOffsets(topic)).reduce((sum, p) => sum + Number(p.high), 0);
  }

  async close(): Promise<void> {
    const admin = this.admin;
    if (admin === undefined) return;
    try {
      // A group left behind costs nothing but a line in the broker's list: that failure (kafkajs's
      // listGroups has been seen to fail with UNKNOWN_TOPIC_OR_PARTITION) must not keep the topics,
      // which hold a million records each, nor fail a benchmark whose runs are done.
      if (this.groups.length > 0) {
        try {
          const existing = new Set((await admin.listGroups()).groups.map((g) => g.groupId));
          const groups = this.groups.filter((g) => existing.has(g));
          if (groups.length > 0) await admin.deleteGroups(groups);
        } catch (error) {
          process.stderr.write(`bench: could not delete the consumer groups ${this.groups.join(', ')}: ${(error as Error).message}\n`);
        }
      }
      if (this.topics.length > 0) await admin.deleteTopics({ topics: this.topics });
    } finally {
      this.topics.length = 0;
      this.groups.length = 0;
      await admin.disconnect();
      this.admin = undefined;
    }
  }

  private async connect(): Promise<Admin> {
    if (this.admin === undefined) {
      const admin = this.kafka.admin();
      await admin.connect();
      this.admin = admin;
    }
    return this.admin;
  }

  private uniqueName(kind: string): string {
    return `sage-bench-${this.prefix}-${kind}-${randomBytes(4).toString('hex')}`;
  }
}
