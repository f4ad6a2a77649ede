/**
 * The producer's end of a channel whose consumer runs on another TaskManager. Record batches are
 * encoded as they are pushed into a network buffer, which is queued once it holds `bufferBytes` or
 * the task flushes; events close the buffer before them, so order is kept. Queued buffers go out as
 * long as the consumer has granted credit (in bytes); the queue is bounded by `capacityBytes`, so
 * without credit the producing task stops: credit-based flow control, as Flink's network stack does it.
 */
import * as grpc from '@grpc/grpc-js';
import { EndOfPartition, RecordBatch, type ResultSubpartition, type Signal, type StreamElement, type StreamEvent } from '@sage/runtime';
import type { ExchangeBuffer, ExchangeRequest__Output } from '@sage/rpc';
import { RecordBufferBuilder, encodeEvent } from './buffer-codec.js';

export type ExchangeCall = grpc.ServerDuplexStream<ExchangeRequest__Output, ExchangeBuffer>;

export interface RemoteSubpartitionLimits {
  /** A network buffer is sent once it holds this many bytes (or when the task flushes). */
  readonly bufferBytes: number;
  /** Encoded bytes queued here, not yet sent, beyond which the producer waits. */
  readonly capacityBytes: number;
}

export class RemoteSubpartition implements ResultSubpartition {
  /** push() encodes a batch into the open network buffer before it returns. */
  readonly copiesBatches = true;
  private readonly builder: RecordBufferBuilder;
  /** Finished network buffers (framed as messages) and events, in order, not yet sent. */
  private queue: (Buffer | StreamEvent)[] = [];
  private head = 0;
  private queuedBytes = 0;
  /** Bytes the consumer has room for; a buffer goes out while this is positive, and may overdraw it. */
  private credit = 0;
  /** The task flushed: send the open buffer as soon as credit allows, even if not full. */
  private flushRequested = false;
  private call: ExchangeCall | null = null;
  private waitingProducer: Signal | null = null;
  private failure: Error | null = null;
  private finished = false;

  constructor(
    readonly key: string,
    private readonly limits: RemoteSubpartitionLimits,
    /** The consuming subtask and its TaskManager, for error messages. */
    private readonly consumer: string,
  ) {
    this.builder = new RecordBufferBuilder(limits.bufferBytes + (limits.bufferBytes >> 2));
  }

  push(element: StreamElement): void {
    if (this.failure !== null) throw this.failure;
    if (element instanceof RecordBatch) {
      this.builder.append(element);
      if (this.builder.byteLength < this.limits.bufferBytes) return;
      this.finishBuffer();
    } else {
      this.finishBuffer();
      this.queue.push(element);
    }
    this.drain();
  }

  /**
   * Sends the open buffer once credit allows; until then later records may still join it. The
   * buffer is cut only when the task hands the event loop back (process.nextTick): nothing written
   * leaves the process before that anyway, and a task that flushes because it waits a moment for
   * its other channels often resumes first and fills the buffer further.
   */
  flush(): void {
    if (this.builder.isEmpty || this.flushRequested) return;
    this.flushRequested = true;
    process.nextTick(this.drainFlushed);
  }

  private readonly drainFlushed = (): void => {
    if (this.flushRequested) this.drain();
  };

  isWritable(): boolean {
    return this.failure !== null || this.queuedBytes + this.builder.byteLength < this.limits.capacityBytes;
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

  private finishBuffer(): void {
    this.flushRequested = false;
    if (this.builder.isEmpty) return;
    const message = this.builder.finishMessage();
    this.queue.push(message);
    this.queuedBytes += RecordBufferBuilder.payloadBytes(message);
  }

  private drain(): void {
    const call = this.call;
    if (call === null || this.finished) return;
    for (;;) {
      while (this.head < this.queue.length) {
        const element = this.queue[this.head]!;
        if (element instanceof Uint8Array) {
          if (this.credit <= 0) break;
          const bytes = RecordBufferBuilder.payloadBytes(element);
          this.credit -= bytes;
          this.queuedBytes -= bytes;
          // Already an ExchangeBuffer in wire form (see exchangeService()); its memory is reused once sent.
          call.write(element as unknown as ExchangeBuffer, () => this.builder.release(element));
        } else {
          call.write(encodeEvent(element));
        }
        this.queue[this.head++] = undefined as unknown as Buffer;
        if (element instanceof EndOfPartition) {
          this.finished = true;
          call.end();
          break;
        }
      }
      // Everything queued went out and there is credit left: a flushed buffer need not wait.
      if (this.finished || this.head < this.queue.length || !this.flushRequested || this.credit <= 0) break;
      this.finishBuffer();
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
