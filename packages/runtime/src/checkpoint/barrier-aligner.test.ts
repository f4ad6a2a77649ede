import { describe, expect, it } from 'vitest';
import { LocalChannel } from '../network/channel.js';
import { InputGate } from '../network/input-gate.js';
import { CheckpointBarrier, EndOfPartition, NO_TIMESTAMP, RecordBatch, type StreamElement } from '../records/stream-elements.js';
import { BarrierAligner } from './barrier-aligner.js';

function batch(...values: number[]): RecordBatch {
  return new RecordBatch(values, values.map(() => NO_TIMESTAMP));
}

/** Drains the gate, feeding barriers and ends to the aligner; returns what was processed, in order. */
function drain(gate: InputGate, aligner: BarrierAligner): string[] {
  const seen: string[] = [];
  for (let element: StreamElement | undefined; (element = gate.poll()) !== undefined; ) {
    const channel = gate.lastChannel;
    if (element instanceof RecordBatch) seen.push(...element.values.map((v) => `${channel}:${v}`));
    else if (element instanceof CheckpointBarrier) {
      const aligned = aligner.onBarrier(channel, element);
      if (aligned) seen.push(`snapshot ${aligned.checkpointId}`);
    } else if (element instanceof EndOfPartition) {
      gate.markEnded(channel);
      const aligned = aligner.onEndOfPartition();
      if (aligned) seen.push(`snapshot ${aligned.checkpointId}`);
    }
  }
  return seen;
}

describe('barrier alignment', () => {
  it('holds back a channel after its barrier until every channel delivered it (exactly-once)', () => {
    const channels = [new LocalChannel(100), new LocalChannel(100)];
    channels[0]!.push(batch(1));
    channels[0]!.push(new CheckpointBarrier(1, 0));
    channels[0]!.push(batch(2)); // after the barrier: must wait for the snapshot
    channels[1]!.push(batch(10));
    channels[1]!.push(batch(11));
    channels[1]!.push(new CheckpointBarrier(1, 0));
    channels[1]!.push(batch(12));
    const gate = new InputGate(channels);
    const seen = drain(gate, new BarrierAligner(gate, 'exactly-once'));
    const snapshot = seen.indexOf('snapshot 1');
    expect(seen.slice(0, snapshot).sort()).toEqual(['0:1', '1:10', '1:11']);
    expect(seen.slice(snapshot + 1).sort()).toEqual(['0:2', '1:12']);
  });

  it('keeps processing every channel in at-least-once mode and snapshots at the last barrier', () => {
    const channels = [new LocalChannel(100), new LocalChannel(100)];
    channels[0]!.push(new CheckpointBarrier(1, 0));
    channels[0]!.push(batch(2));
    channels[1]!.push(batch(10));
    channels[1]!.push(new CheckpointBarrier(1, 0));
    const gate = new InputGate(channels);
    const seen = drain(gate, new BarrierAligner(gate, 'at-least-once'));
    expect(seen.indexOf('0:2')).toBeLessThan(seen.indexOf('snapshot 1'));
  });

  it('counts an ended channel as aligned, and lets a newer barrier abandon an older checkpoint', () => {
    const channels = [new LocalChannel(100), new LocalChannel(100)];
    channels[0]!.push(new CheckpointBarrier(1, 0));
    channels[0]!.push(new CheckpointBarrier(2, 0));
    channels[1]!.push(EndOfPartition.INSTANCE);
    const gate = new InputGate(channels);
    const aligner = new BarrierAligner(gate, 'exactly-once');
    expect(drain(gate, aligner)).toEqual(['snapshot 1', 'snapshot 2']);

    const late = [new LocalChannel(100), new LocalChannel(100)];
    late[0]!.push(new CheckpointBarrier(3, 0));
    late[0]!.push(batch(1));
    const lateGate = new InputGate(late);
    const lateAligner = new BarrierAligner(lateGate, 'exactly-once');
    expect(drain(lateGate, lateAligner)).toEqual([]);
    expect(lateAligner.pendingCheckpointId).toBe(3);
    late[1]!.push(new CheckpointBarrier(4, 0)); // checkpoint 3 was aborted upstream of channel 1
    late[1]!.push(batch(7));
    late[0]!.push(new CheckpointBarrier(4, 0));
    expect(drain(lateGate, lateAligner).sort()).toEqual(['0:1', '1:7', 'snapshot 4'].sort());
  });

  it('started without a barrier (every upstream ended), snapshots after the records before each EndOfPartition, ignoring a stale barrier', () => {
    const channels = [new LocalChannel(100), new LocalChannel(100)];
    channels[0]!.push(batch(1));
    channels[0]!.push(new CheckpointBarrier(3, 0)); // of a checkpoint aborted upstream
    channels[0]!.push(batch(2));
    channels[0]!.push(EndOfPartition.INSTANCE);
    channels[1]!.push(batch(10));
    channels[1]!.push(EndOfPartition.INSTANCE);
    const gate = new InputGate(channels);
    const aligner = new BarrierAligner(gate, 'exactly-once');
    expect(aligner.startAlignment(new CheckpointBarrier(4, 0))).toBeNull();
    const seen = drain(gate, aligner);
    expect(seen.indexOf('snapshot 4')).toBe(seen.length - 1);
    expect([...seen].sort()).toEqual(['0:1', '0:2', '1:10', 'snapshot 4']);
    // Once every channel has ended, it is aligned at once.
    expect(aligner.startAlignment(new CheckpointBarrier(5, 0))?.checkpointId).toBe(5);
  });
});
