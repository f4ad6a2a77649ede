import { describe, expect, it } from 'vitest';
import { CollectionSource } from './collection-source.js';
import { SequenceSource } from './sequence-source.js';
import type { ReaderOutput, Source } from './source.js';

/** Polls a reader whose output answers false every `every` records, until it ends; counts the polls. */
async function drain(source: Source<number>, every: number): Promise<{ values: number[]; polls: number; positions: unknown[] }> {
  const reader = source.createReader({ jobName: 'test', jobId: 'test', subtaskIndex: 0, parallelism: 1, attemptNumber: 0, restoredState: undefined });
  await reader.start();
  const values: number[] = [];
  const output: ReaderOutput<number> = { collect: (n) => values.push(n) % every !== 0 };
  const positions: unknown[] = [];
  let polls = 0;
  for (;;) {
    polls++;
    const status = reader.pollNext(output);
    positions.push(reader.snapshotState(polls));
    if (status === 'end') return { values, polls, positions };
    expect(status).toBe('more');
  }
}

describe('readers told by collect() to return', () => {
  it('stop after the record that was answered false, and go on from the next one', async () => {
    const sequence = await drain(new SequenceSource(0, 99), 10);
    expect(sequence.values).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(sequence.polls).toBeGreaterThanOrEqual(10);
    expect(sequence.positions[0]).toEqual([{ next: 10, end: 99 }]);

    const collection = await drain(new CollectionSource(Array.from({ length: 25 }, (_, i) => i)), 10);
    expect(collection.values).toEqual(Array.from({ length: 25 }, (_, i) => i));
    expect(collection.positions[0]).toEqual([10]);
  });
});
