/**
 * The input side of a task: all channels from every upstream subtask of every input edge. Polling
 * takes one element at a time round-robin over the channels that have data and are not blocked;
 * a channel is blocked while barrier alignment holds it back.
 */
import type { Signal } from '../tasks/signal.js';
import type { InputChannel } from './channel.js';
import type { StreamElement } from '../records/stream-elements.js';

export class InputGate {
  /** The channel the last polled element came from. */
  lastChannel = -1;
  private readonly blocked: boolean[];
  private readonly ended: boolean[];
  private endedCount = 0;
  private next = 0;

  constructor(
    readonly channels: readonly InputChannel[],
    /** The job edge of each channel, where the task must tell a two-input operator's inputs apart. */
    readonly channelEdges?: readonly number[],
  ) {
    this.blocked = channels.map(() => false);
    this.ended = channels.map(() => false);
  }

  setConsumer(signal: Signal): void {
    for (const channel of this.channels) channel.setConsumer(signal);
  }

  poll(): StreamElement | undefined {
    const n = this.channels.length;
    for (let i = 0; i < n; i++) {
      const index = (this.next + i) % n;
      if (this.blocked[index] || this.ended[index]) continue;
      const element = this.channels[index]!.poll();
      if (element !== undefined) {
        this.lastChannel = index;
        this.next = index + 1 === n ? 0 : index + 1;
        return element;
      }
    }
    return undefined;
  }

  block(channel: number): void {
    this.blocked[channel] = true;
  }

  unblockAll(): void {
    this.blocked.fill(false);
  }

  /** Records that `channel` delivered EndOfPartition; true when every channel has. */
  markEnded(channel: number): boolean {
    if (!this.ended[channel]) {
      this.ended[channel] = true;
      this.endedCount++;
    }
    return this.endedCount === this.channels.length;
  }

  isEnded(channel: number): boolean {
    return this.ended[channel]!;
  }

  get size(): number {
    return this.channels.length;
  }
}
