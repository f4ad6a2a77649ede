/**
 * A reader's membership in the job's consumer group, through a kafkajs consumer that never fetches:
 * it joins with the requested-assignment assigner (so it holds exactly the partitions its subtask
 * owns, and the group shows them), heartbeats, and commits the checkpointed offsets for monitoring.
 * The records come from fetch/partition-fetcher.ts, from the reader's own fetch positions.
 *
 * kafkajs has no consumer without fetching, so after every join (the first, and each rebalance) every
 * assigned partition is paused, synchronously inside the join, before kafkajs's first fetch of the
 * new generation. With all of its partitions paused, kafkajs's loop only sleeps maxWaitTimeMs between
 * checks (consumer/consumerGroup.js fetch()) and keeps heartbeating.
 */
import type { Consumer, Kafka } from 'kafkajs';
import { KafkaSourceError } from './errors.js';
import type { PartitionState } from './fetch-buffer.js';
import type { ResolvedKafkaSourceOptions } from './options.js';
import { requestedAssignmentAssigner, type Assignment } from './requested-assignment.js';

export interface GroupMembershipSpec {
  readonly kafka: Kafka;
  readonly options: ResolvedKafkaSourceOptions;
  /** The reader's partitions: what the member asks to be assigned. */
  readonly partitions: ReadonlyMap<string, PartitionState>;
  /** Called once when the consumer stops on an error it will not recover from. */
  readonly onFailure: (error: KafkaSourceError) => void;
  /** Each completed group join, with its duration. */
  readonly onJoin?: (durationMs: number) => void;
}

export class GroupMembership {
  private consumer: Consumer | undefined;
  private failed = false;

  constructor(private readonly spec: GroupMembershipSpec) {}

  /** Connects and joins the group; resolves once the first join is complete. */
  async start(): Promise<void> {
    const { kafka, options } = this.spec;
    const { consumer: tuning, groupId, client } = options;
    const consumer = kafka.consumer({
      groupId,
      partitionAssigners: [requestedAssignmentAssigner(() => this.requestedAssignment())],
      sessionTimeout: tuning.sessionTimeoutMs,
      rebalanceTimeout: tuning.rebalanceTimeoutMs,
      heartbeatInterval: tuning.heartbeatIntervalMs,
      maxWaitTimeInMs: tuning.maxWaitTimeMs,
      allowAutoTopicCreation: false,
      // kafkajs would restart a crashed consumer forever; the job's restart strategy decides instead.
      retry: { retries: client.retries, initialRetryTime: 100, maxRetryTime: 1000, restartOnFailure: async () => false },
    });
    this.consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, (event) => {
      const assigned = this.assigned();
      if (assigned.length > 0) consumer.pause(assigned);
      this.spec.onJoin?.(event.payload.duration);
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => this.fail(payload.error));
    await consumer.connect();
    const topics = [...new Set([...this.spec.partitions.values()].map((p) => p.topic))];
    await consumer.subscribe({ topics });
    // Resolves after the first join, or after a crash in it (reported through fail()). Every partition
    // is paused, so eachBatch is never called.
    await consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch: async () => {} });
  }

  /** Commits offsets to the group (for monitoring; positions live in checkpoints). */
  async commit(offsets: readonly { topic: string; partition: number; offset: number }[]): Promise<void> {
    const consumer = this.consumer;
    if (consumer === undefined || this.failed || offsets.length === 0) return;
    await consumer.commitOffsets(offsets.map(({ topic, partition, offset }) => ({ topic, partition, offset: String(offset) })));
  }

  /** Leaves the group and closes the connections. */
  async stop(): Promise<void> {
    const consumer = this.consumer;
    this.consumer = undefined;
    await consumer?.disconnect();
  }

  private requestedAssignment(): Assignment {
    const assignment: Assignment = {};
    for (const p of this.spec.partitions.values()) (assignment[p.topic] ??= []).push(p.partition);
    return assignment;
  }

  private assigned(): { topic: string; partitions: number[] }[] {
    return Object.entries(this.requestedAssignment()).map(([topic, partitions]) => ({ topic, partitions }));
  }

  private fail(error: Error): void {
    if (this.failed) return;
    this.failed = true;
    const { groupId, brokers } = this.spec.options;
    const type = (error as { type?: string }).type;
    const hint =
      type === 'INCONSISTENT_GROUP_PROTOCOL'
        ? ` — group '${groupId}' has members that are not KafkaSource readers (another application's consumers?): give the job a groupId of its own`
        : type === 'GROUP_AUTHORIZATION_FAILED' || type === 'TOPIC_AUTHORIZATION_FAILED'
          ? ' — grant this client read access to the topics and the group'
          : ` — check that the brokers (${brokers.join(', ')}) are up; the job restarts from its last checkpoint as its restart strategy allows`;
    this.spec.onFailure(new KafkaSourceError('ConsumerFailed', `KafkaSource: the consumer in group '${groupId}' stopped: ${error.message}${hint}`, error));
  }
}
