/**
 * The consumer's end of a channel whose producer runs on another TaskManager: a gRPC stream that
 * subscribes to the producer's subpartition and grants credit, in bytes, back for the network buffers
 * the task has taken, so at most `creditBytes` (plus one buffer) are ever in flight or queued here.
 * Buffers stay encoded until the task takes them: decoding on its own time keeps the gRPC callback
 * short and the decoded records young for the garbage collector.
 */
import * as grpc from '@grpc/grpc-js';
import { SageError } from '@sage/core';
import { EndOfPartition, type InputChannel, type Signal, type StreamElement, type StreamEvent } from '@sage/runtime';
import type { ExchangeBuffer__Output, ExchangeClient, ExchangeRequest } from '@sage/rpc';
import { RecordBufferReader, decodeMessage } from './buffer-codec.js';
import type { ChannelId } from './partition-key.js';

/** The connection to an upstream TaskManager broke before its subtask finished. */
export class RemoteChannelLost extends SageError {
  constructor(
    message: string,
    /** The producer's TaskManager when it became unreachable (not when its task merely stopped). */
    readonly unreachableTaskManagerId: string | undefined,
    cause?: unknown,
  ) {
    super('RemoteChannelLost', message, { cause });
  }
}

export class RemoteInputChannel implements InputChannel {
  /** Received and not yet taken: encoded network buffers and events. */
  private queue: (Buffer | StreamEvent)[] = [];
  private head = 0;
  /** The buffer the task is taking batches from. */
  private reader: RecordBufferReader | null = null;
  private consumer: Signal | null = null;
  private unannouncedCredit = 0;
  private failure: Error | null = null;
  private ended = false;
  private call: grpc.ClientDuplexStream<ExchangeRequest, ExchangeBuffer__Output> | null = null;

  constructor(
    private readonly client: ExchangeClient,
    private readonly id: ChannelId,
    /** Bytes of network buffers this channel has room for. */
    private readonly creditBytes: number,
    /** The producing subtask and where it runs, e.g. "Source: Sequence (1/2) on tm-1 (127.0.0.1:40123)". */
    private readonly producer: string,
    private readonly consumerTaskManagerId: string,
    private readonly producerTaskManagerId: string,
  ) {}

  start(): void {
    const call = this.client.Subscribe();
    this.call = call;
    call.on('data', (buffer: ExchangeBuffer__Output) => {
      const element = decodeMessage(buffer);
      if (element instanceof EndOfPartition) this.ended = true;
      this.enqueue(element);
    });
    call.on('error', (error: grpc.ServiceError) => {
      if (!this.ended) {
        // UNAVAILABLE: the connection itself broke (the process died or its host is gone); a producer
        // that stopped on purpose ends the stream with another status.
        const unreachable = error.code === grpc.status.UNAVAILABLE ? this.producerTaskManagerId : undefined;
        this.fail(new RemoteChannelLost(`Lost the connection to ${this.producer}: ${error.details || error.message}`, unreachable, error));
      }
    });
    call.on('end', () => {
      if (!this.ended) this.fail(new RemoteChannelLost(`${this.producer} closed its channel before finishing`, undefined));
      call.end();
    });
    call.write({
      subscribe: {
        jobId: this.id.jobId,
        attempt: this.id.attempt,
        edgeId: this.id.edgeId,
        producerSubtask: this.id.producerSubtask,
        consumerSubtask: this.id.consumerSubtask,
        initialCredit: this.creditBytes,
        consumerTaskManagerId: this.consumerTaskManagerId,
      },
    });
  }

  poll(): StreamElement | undefined {
    const reader = this.reader;
    if (reader !== null) {
      const batch = reader.next();
      if (reader.done) this.reader = null;
      if (batch !== undefined) return batch;
    }
    if (this.head === this.queue.length) {
      if (this.failure !== null) throw this.failure;
      return undefined;
    }
    const element = this.queue[this.head]!;
    this.queue[this.head++] = undefined as unknown as StreamEvent;
    if (this.head === this.queue.length) {
      this.queue = [];
      this.head = 0;
    } else if (this.head >= 1024) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    if (element instanceof Uint8Array) {
      // The task takes the buffer now: its bytes are room again (the one buffer being read is the
      // "plus one" of the bound). Credit goes back in groups of a quarter of the window: early
      // enough that the producer does not run dry while it travels, in few messages.
      this.unannouncedCredit += element.byteLength;
      if (this.unannouncedCredit >= this.creditBytes >> 2) {
        this.call?.write({ credit: this.unannouncedCredit });
        this.unannouncedCredit = 0;
      }
      this.reader = new RecordBufferReader(element);
      return this.poll();
    }
    return element;
  }

  setConsumer(signal: Signal): void {
    this.consumer = signal;
    if (this.reader !== null || this.head !== this.queue.length || this.failure !== null) signal.notify();
  }

  close(): void {
    if (this.call !== null && !this.ended) this.call.cancel();
    this.ended = true;
  }

  private enqueue(element: Buffer | StreamEvent): void {
    const wasEmpty = this.head === this.queue.length;
    this.queue.push(element);
    if (wasEmpty) this.consumer?.notify();
  }

  private fail(error: Error): void {
    this.failure ??= error;
    this.consumer?.notify();
  }
}
