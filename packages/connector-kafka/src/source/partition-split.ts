/**
 * Which subtask reads a partition, and what a subtask checkpoints about it. The owner of a partition
 * is a pure function of the topic's name, the partition number and the parallelism (Flink's
 * KafkaTopicPartitionAssigner), so every subtask computes the same split without talking to the
 * others, and a restore at another parallelism moves partitions deterministically.
 */
import { KafkaSourceError } from './errors.js';

/** A partition's position in a checkpoint: one per partition the subtask owned. */
export interface KafkaPartitionSplit {
  readonly topic: string;
  readonly partition: number;
  /** The offset of the next record to emit (Kafka's "committed offset" convention). */
  readonly offset: number;
  /** Bounded mode: the end offset seen when the job first started; the split is done at it. */
  readonly stoppingOffset?: number;
}

/**
 * The subtask that reads `partition` of `topic`: topics start at a hash-chosen subtask so that many
 * small topics do not all pile onto subtask 0, then their partitions go round-robin.
 */
export function ownerOf(topic: string, partition: number, parallelism: number): number {
  const start = (Math.imul(javaStringHash(topic), 31) & 0x7fffffff) % parallelism;
  return (start + partition) % parallelism;
}

/** Java's String.hashCode over UTF-16 code units, which is what Flink hashes: same owners as Flink. */
export function javaStringHash(text: string): number {
  let hash = 0;
  for (let i = 0; i < text.length; i++) hash = (Math.imul(hash, 31) + text.charCodeAt(i)) | 0;
  return hash;
}

export function partitionKey(topic: string, partition: number): string {
  return `${topic}\u0000${partition}`;
}

/**
 * The splits of a checkpoint by partition. With union restore every subtask sees every subtask's
 * splits; a partition appears once since exactly one subtask owned it.
 */
export function restoredSplits(state: readonly unknown[]): Map<string, KafkaPartitionSplit> {
  const splits = new Map<string, KafkaPartitionSplit>();
  for (const element of state) {
    const split = element as KafkaPartitionSplit;
    const valid =
      typeof split?.topic === 'string' &&
      Number.isSafeInteger(split.partition) &&
      Number.isSafeInteger(split.offset) &&
      (split.stoppingOffset === undefined || Number.isSafeInteger(split.stoppingOffset));
    if (!valid) {
      throw new KafkaSourceError(
        'InvalidSplitState',
        `KafkaSource: cannot restore from ${JSON.stringify(element)}, which is not a KafkaSource partition position — restore the job from a checkpoint of the same job, or start it without one`,
      );
    }
    const key = partitionKey(split.topic, split.partition);
    const seen = splits.get(key);
    if (seen !== undefined && (seen.offset !== split.offset || seen.stoppingOffset !== split.stoppingOffset)) {
      throw new KafkaSourceError(
        'InvalidSplitState',
        `KafkaSource: the restored state has two positions for partition ${split.partition} of ${split.topic} (${seen.offset} and ${split.offset}); a checkpoint has one per partition — restore from an unmodified checkpoint`,
      );
    }
    splits.set(key, split);
  }
  return splits;
}
