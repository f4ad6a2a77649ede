import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { TopicPartitioning, type PartitionLeader } from './default-partitioner.js';
import { murmur2 } from './murmur2.js';

const require = createRequire(import.meta.url);
const kafkajsMurmur2 = require('kafkajs/src/producer/partitioners/default/murmur2') as (key: Buffer | string) => number;
type KafkajsPartitioner = (args: { topic: string; partitionMetadata: PartitionLeader[]; message: { key?: Buffer | string | null } }) => number;
const kafkajsDefaultPartitioner = require('kafkajs/src/producer/partitioners/default') as () => KafkajsPartitioner;

/** Deterministic pseudo-random bytes. */
function bytesOf(seed: number, length: number): Buffer {
  const bytes = Buffer.alloc(length);
  let x = seed * 7919 + 1;
  for (let i = 0; i < length; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    bytes[i] = x >>> 24;
  }
  return bytes;
}

describe('murmur2', () => {
  it("gives Java's values (Kafka's UtilsTest)", () => {
    const java: [string, number][] = [
      ['21', -973932308],
      ['foobar', -790332482],
      ['a-little-bit-long-string', -985981536],
      ['a-little-bit-longer-string', -1486304829],
      ['lkjh234lh9fiuh90y23oiuhsafujhadof229phr9h19h89h8', -58897971],
      ['abc', 479470107],
    ];
    for (const [key, hash] of java) expect(murmur2(Buffer.from(key))).toBe(hash);
  });

  it("agrees with kafkajs's murmur2 on keys of every length up to 64 bytes, and on a prefix of a longer buffer", () => {
    for (let length = 0; length <= 64; length++) {
      for (let seed = 0; seed < 5; seed++) {
        const key = bytesOf(seed + length * 5, length);
        expect(murmur2(key)).toBe(kafkajsMurmur2(key));
      }
    }
    const scratch = Buffer.concat([Buffer.from('user-42'), Buffer.alloc(20, 0xab)]);
    expect(murmur2(scratch, 7)).toBe(kafkajsMurmur2('user-42'));
  });
});

describe('TopicPartitioning', () => {
  const partitions = (leaders: number[]): PartitionLeader[] => leaders.map((leader, partitionId) => ({ partitionId, leader }));

  it("places keyed records where kafkajs's DefaultPartitioner does", () => {
    const metadata = partitions([1, 1, 2, 3, 1, 2, 3]);
    const kafkajs = kafkajsDefaultPartitioner();
    const ours = new TopicPartitioning('t');
    ours.update(metadata);
    for (let i = 0; i < 500; i++) {
      const key = i % 3 === 0 ? `user-${i}-é` : bytesOf(i, i % 40);
      const bytes = typeof key === 'string' ? Buffer.from(key) : key;
      expect(ours.partitionOf(bytes, bytes.length)).toBe(kafkajs({ topic: 't', partitionMetadata: metadata, message: { key } }));
    }
  });

  it("sends records without a key round robin over the partitions that have a leader, record by record, as kafkajs does from its random start", () => {
    const metadata = partitions([1, -1, 2, 3, -1, 2]);
    const kafkajs = kafkajsDefaultPartitioner();
    const ours = new TopicPartitioning('t');
    ours.update(metadata);
    const theirs = Array.from({ length: 40 }, () => kafkajs({ topic: 't', partitionMetadata: metadata, message: { key: null } }));
    const mine = Array.from({ length: 40 }, () => ours.partitionOf(null, 0));
    const available = [0, 2, 3, 5];
    // Both start at a random place in the same cycle.
    const shift = (available.indexOf(mine[0]!) - available.indexOf(theirs[0]!) + 4) % 4;
    expect(mine).toEqual(theirs.map((p) => available[(available.indexOf(p) + shift) % 4]));
    expect(new Set(mine)).toEqual(new Set(available));
  });

  it('falls back to every partition when none has a leader, and keeps its counter across metadata refreshes', () => {
    const ours = new TopicPartitioning('t');
    ours.update(partitions([-1, -1, -1]));
    const first = [ours.partitionOf(null, 0), ours.partitionOf(null, 0), ours.partitionOf(null, 0)];
    expect(new Set(first)).toEqual(new Set([0, 1, 2]));
    ours.update(partitions([1, 1, 1]));
    expect(ours.partitionOf(null, 0)).toBe(first[0]);
  });
});
