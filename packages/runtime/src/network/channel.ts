/**
 * A bounded, ordered channel between one producer subtask and one consumer subtask in the same
 * process. Capacity counts record batches (events are small and never refused): a producer whose
 * channel is full stops taking input until the consumer drains it, which is how backpressure travels
 * upstream to the sources.
 */
import type { Signal } from '../tasks/signal.js';
import { RecordBatch, type StreamElement } from '../records/stream-elements.js';

/** The producer's view of a channel. Remote channels (over the network exchange) implement it too. */
export interface ResultSubpartition {
  push(element: StreamElement): void;
  isWritable(): boolean;
  /** Notifies `signal` once the channel is writable again. */
  notifyWhenWritable(signal: Signal): void;
  /**
   * The producer has nothing more to write for now: a channel that holds records back to send them
   * in larger buffers (the network exchange) sends what it has. Channels that hand batches on at
   * once need not implement it.
   */
  flush?(): void;
  /**
   * push() copies a record batch before it returns (the network exchange encodes it), so the writer
   * may fill the same arrays again. Channels that keep the batch leave it unset.
   */
  readonly copiesBatches?: boolean;
}

/** The consumer's view of a channel. */
export interface InputChannel {
  poll(): StreamElement | undefined;
  /** Notifies `signal` whenever the channel goes from empty to non-empty. */
  setConsumer(signal: Signal): void;
}

export class LocalChannel implements ResultSubpartition, InputChannel {
  private queue: (StreamElement | undefined)[] = [];
  private head = 0;
  private queuedBatches = 0;
  private consumer: Signal | null = null;
  private waitingProducer: Signal | null = null;

  constructor(readonly capacity: number) {}

  push(element: StreamElement): void {
    const wasEmpty = this.head === this.queue.length;
    this.queue.push(element);
    if (element instanceof RecordBatch) this.queuedBatches++;
    if (wasEmpty && this.consumer !== null) this.consumer.notify();
  }

  isWritable(): boolean {
    return this.queuedBatches < this.capacity;
  }

  notifyWhenWritable(signal: Signal): void {
    if (this.isWritable()) signal.notify();
    else this.waitingProducer = signal;
  }

  poll(): StreamElement | undefined {
    if (this.head === this.queue.length) return undefined;
    const element = this.queue[this.head]!;
    this.queue[this.head++] = undefined;
    if (this.head === this.queue.length) {
      this.queue.length = 0;
      this.head = 0;
    } else if (this.head >= 1024) {
      // Under steady load the queue never runs empty: drop the consumed front now and then.
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    if (element instanceof RecordBatch) {
      this.queuedBatches--;
      const producer = this.waitingProducer;
      if (producer !== null && this.queuedBatches < this.capacity) {
        this.waitingProducer = null;
        producer.notify();
      }
    }
    return element;
  }

  setConsumer(signal: Signal): void {
    this.consumer = signal;
    if (this.head !== this.queue.length) signal.notify();
  }

  /** Queued record batches; for metrics and tests. */
  get backlog(): number {
    return this.queuedBatches;
  }
}
