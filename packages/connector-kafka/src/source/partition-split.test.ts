import { describe, expect, it } from 'vitest';
import { KafkaSourceError } from './errors.js';
import { javaStringHash, ownerOf, restoredSplits } from './partition-split.js';

/**
 * Owners of partitions 0..5 at parallelism 1..7, as Flink's KafkaTopicPartitionAssigner computes
 * them (printed by a Java program with String.hashCode), so a job moved between Flink and Sage, or
 * reasoning borrowed from Flink, places partitions the same way.
 */
const FLINK: Record<string, { hash: number; owners: string[] }> = {
  orders: { hash: -1008770331, owners: ['000000', '101010', '012012', '301230', '401234', '345012', '345601'] },
  clicks: { hash: -1357714453, owners: ['000000', '101010', '012012', '123012', '234012', '345012', '012345'] },
  'sage-test-x': { hash: 773807934, owners: ['000000', '010101', '201201', '230123', '123401', '234501', '456012'] },
  'ü-topic-😀': { hash: 1331561586, owners: ['000000', '010101', '120120', '230123', '401234', '450123', '560123'] },
};

describe('partition ownership', () => {
  it("hashes topic names as Java's String.hashCode does, UTF-16 surrogates included", () => {
    for (const [topic, { hash }] of Object.entries(FLINK)) expect(javaStringHash(topic)).toBe(hash);
  });

  it("gives every partition the subtask Flink's KafkaTopicPartitionAssigner gives it", () => {
    for (const [topic, { owners }] of Object.entries(FLINK)) {
      owners.forEach((row, i) => {
        const parallelism = i + 1;
        expect(Array.from({ length: 6 }, (_, partition) => ownerOf(topic, partition, parallelism)).join('')).toBe(row);
      });
    }
  });

  it('spreads a topic\'s partitions evenly: no subtask has two more than another', () => {
    for (const parallelism of [2, 3, 5, 8]) {
      const counts = new Array<number>(parallelism).fill(0);
      for (let partition = 0; partition < 20; partition++) counts[ownerOf('events', partition, parallelism)]!++;
      expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
    }
  });
});

describe('restored splits', () => {
  it('indexes the splits of every subtask by partition', () => {
    const splits = restoredSplits([
      { topic: 'a', partition: 0, offset: 5 },
      { topic: 'a', partition: 1, offset: 7, stoppingOffset: 9 },
    ]);
    expect([...splits.values()].map((s) => [s.topic, s.partition, s.offset, s.stoppingOffset])).toEqual([
      ['a', 0, 5, undefined],
      ['a', 1, 7, 9],
    ]);
  });

  it('refuses state that is not a KafkaSource position, or two positions for one partition', () => {
    expect(() => restoredSplits([{ path: '/in', start: 0 }])).toThrow(KafkaSourceError);
    expect(() =>
      restoredSplits([
        { topic: 'a', partition: 0, offset: 5 },
        { topic: 'a', partition: 0, offset: 6 },
      ]),
    ).toThrow(/two positions for partition 0 of a/);
  });
});
