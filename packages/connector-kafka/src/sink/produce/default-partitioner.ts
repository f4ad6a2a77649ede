/**
 * Where a record goes within its topic, exactly as kafkajs's DefaultPartitioner decides it
 * (producer/partitioners/legacy/partitioner.js with Java's murmur2), so that moving the sink off
 * kafkajs's produce path moves no record to another partition:
 * - a keyed record: murmur2(key bytes) & 0x7fffffff, modulo the topic's partition count;
 * - a record without a key: round robin, record by record (not sticky), over the partitions that have
 *   a leader, from a random start per topic; over all partitions when none has a leader.
 */
import { randomBytes } from 'node:crypto';
import { murmur2 } from './murmur2.js';

/** What kafkajs's metadata says of a partition (PartitionMetadata), as far as placing records needs. */
export interface PartitionLeader {
  readonly partitionId: number;
  readonly leader: number;
}

/** A topic's partitions as the partitioner sees them, and its round-robin counter. */
export class TopicPartitioning {
  partitionCount = 0;
  /** Ids of the partitions that have a leader. */
  available: number[] = [];
  /** The metadata these were read from: a refresh brings a new array. */
  private source: readonly PartitionLeader[] | undefined;
  /** kafkajs starts each topic's counter at a random unsigned 32-bit number. */
  private counter = randomBytes(4).readUInt32BE(0);

  constructor(readonly topic: string) {}

  /** Takes the topic's partitions from (fresh) metadata; the round-robin counter carries on. */
  update(partitions: readonly PartitionLeader[]): void {
    if (partitions === this.source) return;
    this.source = partitions;
    this.partitionCount = partitions.length;
    this.available = partitions.filter((p) => p.leader >= 0).map((p) => p.partitionId);
  }

  /** The partition of a record whose key is `key[0, keyLength)`, or that has no key (null). */
  partitionOf(key: Uint8Array | null, keyLength: number): number {
    if (key !== null) return (murmur2(key, keyLength) & 0x7fffffff) % this.partitionCount;
    const available = this.available;
    if (available.length > 0) return available[(++this.counter & 0x7fffffff) % available.length]!;
    return (++this.counter & 0x7fffffff) % this.partitionCount;
  }
}
