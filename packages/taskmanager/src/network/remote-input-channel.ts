/**
 * The consumer's end of a channel whose producer runs on another TaskManager: a gRPC stream that
 * subscribes to the producer's subpartition and grants one credit back for every batch the task has
 * taken, so at most `initialCredit` batches are ever in flight or queued here.
 */
import type * as grpc from '@grpc/grpc-js';
import { SageError } from '@sage/core';
import { EndOfPartition, RecordBatch, type InputChannel, type Signal, type StreamElement } from '@sage/runtime';
import type { ExchangeBuffer__Output, ExchangeClient, ExchangeRequest } from '@sage/rpc';
import { decodeElement } from './buffer-codec.js';
import type { ChannelId } from './partition-key.js';

/** The connection to an upstream TaskManager broke before its subtask finished. */
export class RemoteChannelLost extends SageError {
  constructor(message: string, cause?: unknown) {
    super('RemoteChannelLost', message, { cause });
  }
}

export class RemoteInputChannel implements InputChannel {
  private queue: StreamElement[] = [];
  private head = 0;
  private consumer: Signal | null = null;
  private unannouncedCredit = 0;
  private failure: Error | null = null;
  private ended = false;
  private call: grpc.ClientDuplexStream<ExchangeRequest, ExchangeBuffer__Output> | null = null;

  constructor(
    private readonly client: ExchangeClient,
    private readonly id: ChannelId,
    private readonly initialCredit: number,
    /** The producing subtask and where it runs, e.g. "Source: Sequence (1/2) on tm-1 (127.0.0.1:40123)". */
    private readonly producer: string,
    private readonly consumerTaskManagerId: string,
  ) {}

  start(): void {
    const call = this.client.Subscribe();
    this.call = call;
    call.on('data', (buffer: ExchangeBuffer__Output) => {
      const element = decodeElement(buffer);
      if (element instanceof EndOfPartition) this.ended = true;
      this.enqueue(element);
    });
    call.on('error', (error: grpc.ServiceError) => {
      if (!this.ended) {
        this.fail(new RemoteChannelLost(`Lost the connection to ${this.producer}: ${error.details || error.message}`, error));
      }
    });
    call.on('end', () => {
      if (!this.ended) this.fail(new RemoteChannelLost(`${this.producer} closed its channel before finishing`));
      call.end();
    });
    call.write({
      subscribe: {
        jobId: this.id.jobId,
        attempt: this.id.attempt,
        edgeId: this.id.edgeId,
        producerSubtask: this.id.producerSubtask,
        consumerSubtask: this.id.consumerSubtask,
        initialCredit: this.initialCredit,
        consumerTaskManagerId: this.consumerTaskManagerId,
      },
    });
  }

  poll(): StreamElement | undefined {
    if (this.head === this.queue.length) {
      if (this.failure !== null) throw this.failure;
      return undefined;
    }
    const element = this.queue[this.head]!;
    this.queue[this.head++] = undefined as unknown as StreamElement;
    if (this.head === this.queue.length) {
      this.queue = [];
      this.head = 0;
    } else if (this.head >= 1024) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    if (element instanceof RecordBatch) {
      // Credit goes back in small groups: one message per batch would double the message count.
      if (++this.unannouncedCredit >= Math.max(1, this.initialCredit >> 1)) {
        this.call?.write({ credit: this.unannouncedCredit });
        this.unannouncedCredit = 0;
      }
    }
    return element;
  }

  setConsumer(signal: Signal): void {
    this.consumer = signal;
    if (this.head !== this.queue.length || this.failure !== null) signal.notify();
  }

  close(): void {
    if (this.call !== null && !this.ended) this.call.cancel();
    this.ended = true;
  }

  private enqueue(element: StreamElement): void {
    const wasEmpty = this.head === this.queue.length;
    this.queue.push(element);
    if (wasEmpty) this.consumer?.notify();
  }

  private fail(error: Error): void {
    this.failure ??= error;
    this.consumer?.notify();
  }
}
