/**
 * The producer's end of a channel whose consumer runs on another TaskManager. Elements queue here until
 * the consumer has subscribed and granted credit; each record batch sent spends one credit. The queue
 * is bounded like a local channel, so without credit the producing task stops: credit-based flow
 * control, as Flink's network stack does it.
 */
import * as grpc from '@grpc/grpc-js';
import { EndOfPartition, RecordBatch, type ResultSubpartition, type Signal, type StreamElement } from '@sage/runtime';
import type { ExchangeBuffer, ExchangeRequest__Output } from '@sage/rpc';
import { encodeElement } from './buffer-codec.js';

export type ExchangeCall = grpc.ServerDuplexStream<ExchangeRequest__Output, ExchangeBuffer>;

export class RemoteSubpartition implements ResultSubpartition {
  private queue: StreamElement[] = [];
  private head = 0;
  private queuedBatches = 0;
  private credit = 0;
  private call: ExchangeCall | null = null;
  private waitingProducer: Signal | null = null;
  private failure: Error | null = null;
  private finished = false;

  constructor(
    readonly key: string,
    private readonly capacity: number,
    /** The consuming subtask and its TaskManager, for error messages. */
    private readonly consumer: string,
  ) {}

  push(element: StreamElement): void {
    if (this.failure !== null) throw this.failure;
    this.queue.push(element);
    if (element instanceof RecordBatch) this.queuedBatches++;
    this.drain();
  }

  isWritable(): boolean {
    return this.failure !== null || this.queuedBatches < this.capacity;
  }

  notifyWhenWritable(signal: Signal): void {
    if (this.isWritable()) signal.notify();
    else this.waitingProducer = signal;
  }

  /** Connects the consumer's subscription; from now on credit flows in and buffers flow out. */
  attach(call: ExchangeCall, initialCredit: number): void {
    if (this.call !== null) {
      call.emit('error', { code: grpc.status.ALREADY_EXISTS, details: `Channel ${this.key} already has a consumer` });
      return;
    }
    this.call = call;
    this.credit = initialCredit;
    call.on('data', (request: ExchangeRequest__Output) => {
      if (request.kind === 'credit') {
        this.credit += request.credit ?? 0;
        this.drain();
      }
    });
    const lost = () => {
      if (!this.finished) this.fail(new Error(`Consumer ${this.consumer} disconnected from channel ${this.key}`));
    };
    call.on('cancelled', lost);
    call.on('error', lost);
    call.on('end', lost);
    this.drain();
  }

  /** Releases the channel when its producing task stops early (cancel or failure). */
  release(reason: string): void {
    const wasFinished = this.finished;
    this.finished = true;
    // Emitting 'error' is how a grpc-js server stream ends with a status the client sees.
    if (this.call !== null && !wasFinished) this.call.emit('error', { code: grpc.status.ABORTED, details: reason });
  }

  private drain(): void {
    const call = this.call;
    if (call === null || this.finished) return;
    while (this.head < this.queue.length) {
      const element = this.queue[this.head]!;
      if (element instanceof RecordBatch) {
        if (this.credit <= 0) break;
        this.credit--;
        this.queuedBatches--;
      }
      this.queue[this.head++] = undefined as unknown as StreamElement;
      call.write(encodeElement(element));
      if (element instanceof EndOfPartition) {
        this.finished = true;
        call.end();
        break;
      }
    }
    if (this.head === this.queue.length) {
      this.queue = [];
      this.head = 0;
    } else if (this.head >= 1024) {
      // Under steady load the queue never runs empty: drop the consumed front now and then.
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    this.wakeProducer();
  }

  private fail(error: Error): void {
    this.failure ??= error;
    this.wakeProducer();
  }

  private wakeProducer(): void {
    const producer = this.waitingProducer;
    if (producer !== null && this.isWritable()) {
      this.waitingProducer = null;
      producer.notify();
    }
  }
}
