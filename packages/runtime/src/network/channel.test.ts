import { describe, expect, it } from 'vitest';
import { EndOfPartition, RecordBatch } from '../records/stream-elements.js';
import { Signal } from '../tasks/signal.js';
import { LocalChannel } from './channel.js';
import { InputGate } from './input-gate.js';

const batch = (...values: number[]) => new RecordBatch(values, values.map(() => 0));

/** A task's wake-up signal that counts how often it was notified. */
class CountingSignal extends Signal {
  notifications = 0;
  override notify(): void {
    this.notifications++;
    super.notify();
  }
}

describe('LocalChannel', () => {
  it('delivers batches and events in the order they were pushed', () => {
    const channel = new LocalChannel(4);
    const elements = [batch(1, 2), batch(3), EndOfPartition.INSTANCE];
    for (const e of elements) channel.push(e);
    expect([channel.poll(), channel.poll(), channel.poll(), channel.poll()]).toEqual([...elements, undefined]);
  });

  it('counts its capacity in record batches and never refuses an event', () => {
    const channel = new LocalChannel(2);
    channel.push(batch(1));
    expect(channel.isWritable()).toBe(true);
    channel.push(batch(2));
    expect(channel.isWritable()).toBe(false);
    channel.push(EndOfPartition.INSTANCE);
    expect(channel.backlog).toBe(2);
    channel.poll();
    expect(channel.isWritable()).toBe(true);
  });

  it('wakes the consumer when data arrives and a waiting producer when a batch is taken', () => {
    const channel = new LocalChannel(1);
    const consumer = new CountingSignal();
    const producer = new CountingSignal();
    channel.setConsumer(consumer);
    channel.push(batch(1));
    expect(consumer.notifications).toBe(1);
    channel.notifyWhenWritable(producer);
    expect(producer.notifications).toBe(0);
    channel.poll();
    expect(producer.notifications).toBe(1);
  });

  it('keeps order across many batches while the consumer keeps up', () => {
    const channel = new LocalChannel(4);
    const seen: number[] = [];
    for (let i = 0; i < 5000; i++) {
      channel.push(batch(i));
      if (i % 3 === 0) for (let e = channel.poll(); e; e = channel.poll()) seen.push(...((e as RecordBatch).values as number[]));
    }
    for (let e = channel.poll(); e; e = channel.poll()) seen.push(...((e as RecordBatch).values as number[]));
    expect(seen).toEqual(Array.from({ length: 5000 }, (_, i) => i));
  });
});

describe('InputGate', () => {
  it('takes elements round-robin from the channels that have data and ends when every channel has ended', () => {
    const channels = [new LocalChannel(4), new LocalChannel(4), new LocalChannel(4)];
    channels[0]!.push(batch(1));
    channels[0]!.push(batch(2));
    channels[2]!.push(batch(3));
    const gate = new InputGate(channels);
    const order: number[] = [];
    for (let e = gate.poll(); e; e = gate.poll()) order.push((e as RecordBatch).values[0] as number);
    expect(order).toEqual([1, 3, 2]);

    for (const c of channels) c.push(EndOfPartition.INSTANCE);
    const ended: boolean[] = [];
    for (let e = gate.poll(); e; e = gate.poll()) ended.push(gate.markEnded(gate.lastChannel));
    expect(ended).toEqual([false, false, true]);
  });
});
