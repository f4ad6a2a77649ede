import * as grpc from '@grpc/grpc-js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EndOfPartition, NO_TIMESTAMP, RecordBatch, Signal, type StreamElement } from '@sage/runtime';
import { bindServer, createExchangeClient, sageProtos, shutdownServer, type ExchangeClient } from '@sage/rpc';
import { createLogger } from '@sage/observability';
import { decodeBatch, encodeBatch } from './buffer-codec.js';
import { exchangeHandlers } from './exchange-service.js';
import { channelKey, type ChannelId } from './partition-key.js';
import { PartitionRegistry } from './partition-registry.js';
import { RemoteInputChannel } from './remote-input-channel.js';
import { RemoteSubpartition } from './remote-subpartition.js';

const id: ChannelId = { jobId: 'job', attempt: 0, edgeId: 0, producerSubtask: 0, consumerSubtask: 1 };

function batch(from: number, size: number): RecordBatch {
  const values = Array.from({ length: size }, (_, i) => ({ n: from + i }));
  return new RecordBatch(values, values.map(() => NO_TIMESTAMP));
}

describe('buffer codec', () => {
  it('round-trips records of every plain type with their timestamps', () => {
    const values = [1, 'two', { three: [3] }, new Date(4), 5n, undefined, null, new Map([[6, 'six']])];
    const timed = new RecordBatch(values, values.map((_, i) => (i === 2 ? NO_TIMESTAMP : 1000 + i)));
    expect(decodeBatch(encodeBatch(timed))).toEqual(timed);
    const untimed = decodeBatch(encodeBatch(new RecordBatch(values, values.map(() => NO_TIMESTAMP))));
    expect(untimed.values).toEqual(values);
    expect(untimed.timestamps.slice(0, values.length)).toEqual(values.map(() => NO_TIMESTAMP));
  });
});

describe('credit-based exchange between TaskManagers', () => {
  let server: grpc.Server;
  let client: ExchangeClient;
  let registry: PartitionRegistry;

  beforeEach(async () => {
    registry = new PartitionRegistry();
    server = new grpc.Server();
    server.addService(sageProtos().sage.v1.Exchange.service, exchangeHandlers(registry, createLogger({ component: 'test', level: 'silent' }), 5_000));
    const port = await bindServer(server, '127.0.0.1', 0);
    client = createExchangeClient(`127.0.0.1:${port}`);
  });

  afterEach(async () => {
    client.close();
    await shutdownServer(server, 100);
  });

  it('stops the producer when the consumer grants no credit, and delivers every batch in order', async () => {
    const capacity = 4;
    const producer = new RemoteSubpartition(channelKey(id), capacity, 'consumer (2/2)');
    registry.registerRemote(producer);
    const consumer = new RemoteInputChannel(client, id, capacity, 'producer (1/2)', 'tm-test');
    const consumerSignal = new Signal();
    consumer.setConsumer(consumerSignal);
    consumer.start();

    // The producer writes until its queue is full; once the consumer's initial credit is spent and
    // nobody polls, it stays full: at most the credit plus its own capacity ever left it.
    let pushed = 0;
    for (let round = 0; round < 3; round++) {
      while (producer.isWritable()) producer.push(batch(pushed++ * 10, 10));
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(producer.isWritable()).toBe(false);
    expect(pushed).toBe(2 * capacity);

    // Now a slow consumer takes batches one by one; the producer resumes only as credit returns.
    const received: number[] = [];
    const total = 50;
    const producerSignal = new Signal();
    const produce = (async () => {
      while (pushed < total) {
        if (!producer.isWritable()) {
          producer.notifyWhenWritable(producerSignal);
          await producerSignal.wait();
          continue;
        }
        producer.push(batch(pushed++ * 10, 10));
      }
      producer.push(EndOfPartition.INSTANCE);
    })();
    for (;;) {
      const element: StreamElement | undefined = consumer.poll();
      if (element === undefined) {
        await consumerSignal.wait();
        continue;
      }
      if (element instanceof EndOfPartition) break;
      for (const value of (element as RecordBatch).values) received.push((value as { n: number }).n);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    await produce;
    expect(received).toEqual(Array.from({ length: total * 10 }, (_, i) => i));
    consumer.close();
  });

  it('fails the consumer with the producer named when the producer side goes away', async () => {
    const producer = new RemoteSubpartition(channelKey(id), 4, 'consumer (2/2)');
    registry.registerRemote(producer);
    const consumer = new RemoteInputChannel(client, id, 4, 'Source (1/2) on TaskManager tm-1 (127.0.0.1:1)', 'tm-test');
    const signal = new Signal();
    consumer.setConsumer(signal);
    consumer.start();
    producer.push(batch(0, 3));
    await signal.wait();
    expect(consumer.poll()).toBeInstanceOf(RecordBatch);
    producer.release('the producing task was cancelled');
    await signal.wait();
    expect(() => consumer.poll()).toThrow(/Source \(1\/2\) on TaskManager tm-1/);
  });
});
