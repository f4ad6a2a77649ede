import { describe, expect, it } from 'vitest';
import { assignToKeyGroup, subtaskForKeyGroup, type PartitionerKind } from '@sage/core';
import { EndOfPartition, RecordBatch, type StreamElement } from '../records/stream-elements.js';
import { LocalChannel, type ResultSubpartition } from './channel.js';
import { createRecordWriter } from './record-writer.js';

/** Writes `values` through a writer of `partitioner` to `channels` channels; returns what each received. */
function write(partitioner: PartitionerKind, channels: number, values: unknown[], keySelector?: (v: any) => unknown) {
  const targets = Array.from({ length: channels }, () => new LocalChannel(1_000_000));
  const writer = createRecordWriter({ partitioner, channels: targets, batchSize: 4, subtaskIndex: 0, keySelector, maxParallelism: 128 });
  for (const value of values) writer.processElement(value, 0);
  writer.broadcastEvent(EndOfPartition.INSTANCE);
  return targets.map((channel) => {
    const received: unknown[] = [];
    let last: StreamElement | undefined;
    for (let e = channel.poll(); e; e = channel.poll()) {
      last = e;
      if (e instanceof RecordBatch) received.push(...e.values);
    }
    expect(last).toBe(EndOfPartition.INSTANCE);
    return received;
  });
}

const words = Array.from({ length: 500 }, (_, i) => `word-${(i * 7919) % 101}`);

describe('record writers', () => {
  it('hash: send each key to the subtask that owns its key group, keeping order', () => {
    const received = write('hash', 3, words, (w) => w);
    received.forEach((values, subtask) => {
      for (const w of values) expect(subtaskForKeyGroup(128, 3, assignToKeyGroup(w, 128))).toBe(subtask);
      expect(values).toEqual(words.filter((w) => subtaskForKeyGroup(128, 3, assignToKeyGroup(w, 128)) === subtask));
    });
  });

  it('rebalance: deal records round-robin', () => {
    expect(write('rebalance', 3, [1, 2, 3, 4, 5, 6, 7])).toEqual([[1, 4, 7], [2, 5], [3, 6]]);
  });

  it('broadcast: send every record to every channel', () => {
    expect(write('broadcast', 3, [1, 2, 3])).toEqual([[1, 2, 3], [1, 2, 3], [1, 2, 3]]);
  });

  it('reuses its arrays for a channel that copies batches, and sends the same records', () => {
    const copied: { values: unknown[]; timestamps: number[] }[] = [];
    const copying: ResultSubpartition = {
      copiesBatches: true,
      push: (e) => {
        if (e instanceof RecordBatch) copied.push({ values: [...e.values], timestamps: e.timestamps.slice(0, e.values.length) });
      },
      isWritable: () => true,
      notifyWhenWritable: (signal) => signal.notify(),
    };
    const writer = createRecordWriter({ partitioner: 'forward', channels: [copying], batchSize: 4, subtaskIndex: 0, keySelector: undefined, maxParallelism: 128 });
    for (let i = 0; i < 10; i++) writer.processElement(i, 100 + i);
    writer.flush();
    writer.processElement('x', 7);
    writer.broadcastEvent(EndOfPartition.INSTANCE);
    expect(copied.map((b) => b.values)).toEqual([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9], ['x']]);
    expect(copied.map((b) => b.timestamps)).toEqual([[100, 101, 102, 103], [104, 105, 106, 107], [108, 109], [7]]);
  });

  it('forward: send everything to the one channel, partial batches flushed before the event', () => {
    expect(write('forward', 1, [1, 2, 3, 4, 5, 6])).toEqual([[1, 2, 3, 4, 5, 6]]);
  });
});
