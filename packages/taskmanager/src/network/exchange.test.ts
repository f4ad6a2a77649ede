import * as grpc from '@grpc/grpc-js';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CheckpointBarrier, EndOfPartition, NO_TIMESTAMP, RecordBatch, Signal, type StreamElement } from '@sage/runtime';
import { bindServer, createExchangeClient, sageProtos, shutdownServer, type ExchangeClient } from '@sage/rpc';
import { createLogger } from '@sage/observability';
import { RecordBufferBuilder, RecordBufferReader, decodeBatch, decodeRecords, encodeBatch } from './buffer-codec.js';
import { exchangeHandlers, exchangeService } from './exchange-service.js';
import { channelKey, type ChannelId } from './partition-key.js';
import { PartitionRegistry } from './partition-registry.js';
import { RemoteChannelLost, RemoteInputChannel } from './remote-input-channel.js';
import { RemoteSubpartition } from './remote-subpartition.js';

const id: ChannelId = { jobId: 'job', attempt: 0, edgeId: 0, producerSubtask: 0, consumerSubtask: 1 };

function batch(from: number, size: number): RecordBatch {
  const values = Array.from({ length: size }, (_, i) => ({ n: from + i }));
  return new RecordBatch(values, values.map(() => NO_TIMESTAMP));
}

const untimed = (values: unknown[]) => new RecordBatch(values, values.map(() => NO_TIMESTAMP));

describe('buffer codec', () => {
  it('round-trips records of every plain type with their timestamps', () => {
    const values = [1, 'two', { three: [3] }, new Date(4), 5n, undefined, null, new Map([[6, 'six']])];
    const timed = new RecordBatch(values, values.map((_, i) => (i === 2 ? NO_TIMESTAMP : 1000 + i)));
    expect(decodeBatch(encodeBatch(timed))).toEqual(timed);
    const untimedBatch = decodeBatch(encodeBatch(untimed(values)));
    expect(untimedBatch.values).toEqual(values);
    expect(untimedBatch.timestamps.slice(0, values.length)).toEqual(values.map(() => NO_TIMESTAMP));
  });

  it('round-trips batches of numbers exactly: integers, -0, fractions, NaN, infinities, beyond 32 bits', () => {
    const cases = [
      [0, 1, -1, 2147483647, -2147483648, 123456],
      [0, -0, 1],
      [0.5, -1.25, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.MIN_VALUE],
      [2147483648, -2147483649, Number.MAX_SAFE_INTEGER, 1.7e12, 1e300],
    ];
    for (const values of cases) {
      const decoded = decodeBatch(encodeBatch(untimed(values)));
      expect(decoded.values.length).toBe(values.length);
      decoded.values.forEach((v, i) => expect(Object.is(v, values[i])).toBe(true));
      const timed = new RecordBatch(values, values.map((_, i) => (i % 2 === 0 ? i * 1000 : NO_TIMESTAMP)));
      expect(decodeBatch(encodeBatch(timed))).toEqual(timed);
    }
  });

  it('reads a buffer that sits at any offset in memory, as received buffers do', () => {
    const batches = [untimed([1, -2, 3]), new RecordBatch([0.5, 1e300], [7, 8]), untimed(['x', 4])];
    const builder = new RecordBufferBuilder(64);
    for (const b of batches) builder.append(b);
    const bytes = builder.finish();
    for (let offset = 0; offset < 8; offset++) {
      const shifted = Buffer.alloc(bytes.length + offset);
      bytes.copy(shifted, offset);
      const decoded = decodeRecords(shifted.subarray(offset));
      expect(decoded.values).toEqual(batches.flatMap((b) => b.values));
      expect(decoded.timestamps).toEqual([NO_TIMESTAMP, NO_TIMESTAMP, NO_TIMESTAMP, 7, 8, NO_TIMESTAMP, NO_TIMESTAMP]);
    }
  });

  it('decodes a buffer of several batches, numeric and not, timed and not, as one batch in order', () => {
    const batches = [
      untimed([1, 2, 3]),
      new RecordBatch(['a', { b: 1 }], [5, NO_TIMESTAMP]),
      untimed([0.5, 7]),
      untimed([undefined, 4]),
      new RecordBatch([9, 10], [11, 12]),
    ];
    const builder = new RecordBufferBuilder(16);
    for (const b of batches) builder.append(b);
    const decoded = decodeRecords(builder.finish());
    expect(decoded.values).toEqual(batches.flatMap((b) => b.values));
    expect(decoded.timestamps).toEqual(batches.flatMap((b) => b.timestamps));
    expect(builder.isEmpty).toBe(true);
    builder.append(untimed([42]));
    expect(decodeRecords(builder.finish()).values).toEqual([42]);
  });

  it('reads a buffer back batch by batch, as the producer appended them', () => {
    const batches = [untimed([1, 2, 3]), new RecordBatch(['a', 'b'], [1, 2]), untimed([0.25])];
    const builder = new RecordBufferBuilder(64);
    for (const b of batches) builder.append(b);
    const reader = new RecordBufferReader(builder.finish());
    for (const b of batches) {
      expect(reader.done).toBe(false);
      const read = reader.next()!;
      expect(read.values).toEqual(b.values);
      expect(read.timestamps.slice(0, b.values.length)).toEqual(b.timestamps);
    }
    expect(reader.done).toBe(true);
    expect(reader.next()).toBeUndefined();
  });

  it('frames a buffer as the ExchangeBuffer protobuf would write, whatever its size', () => {
    const serialize = sageProtos().sage.v1.Exchange.service.Subscribe.responseSerialize;
    const deserialize = sageProtos().sage.v1.Exchange.service.Subscribe.responseDeserialize;
    for (const size of [1, 20, 40, 5_000, 70_000]) {
      const builder = new RecordBufferBuilder(64);
      builder.append(untimed(Array.from({ length: size }, (_, i) => i)));
      const message = builder.finishMessage();
      const payload = deserialize(message).records!;
      expect(Buffer.compare(message, serialize({ records: payload }))).toBe(0);
      expect(RecordBufferBuilder.payloadBytes(message)).toBe(payload.length);
      expect(decodeRecords(payload).values).toEqual(Array.from({ length: size }, (_, i) => i));
      builder.release(message);
    }
  });

  it('decodes a buffer at any offset of a larger message', () => {
    const encoded = encodeBatch(new RecordBatch([1, 2.5, 'x'], [1, 2, 3]));
    for (let offset = 0; offset < 8; offset++) {
      const shifted = Buffer.alloc(encoded.length + offset);
      encoded.copy(shifted, offset);
      expect(decodeRecords(shifted.subarray(offset)).values).toEqual([1, 2.5, 'x']);
    }
  });
});

describe('credit-based exchange between TaskManagers', () => {
  let server: grpc.Server;
  let client: ExchangeClient;
  let registry: PartitionRegistry;

  beforeEach(async () => {
    registry = new PartitionRegistry();
    server = new grpc.Server();
    server.addService(exchangeService(), exchangeHandlers(registry, createLogger({ component: 'test', level: 'silent' }), 5_000));
    const port = await bindServer(server, '127.0.0.1', 0);
    client = createExchangeClient(`127.0.0.1:${port}`);
  });

  afterEach(async () => {
    client.close();
    await shutdownServer(server, 100);
  });

  it('stops the producer when the consumer grants no credit, and delivers every batch in order', async () => {
    // A batch of 10 records is a few hundred bytes: a buffer holds a few batches, the credit a few buffers.
    const producer = new RemoteSubpartition(channelKey(id), { bufferBytes: 500, capacityBytes: 2_000 }, 'consumer (2/2)');
    registry.registerRemote(producer);
    const consumer = new RemoteInputChannel(client, id, 2_000, 'producer (1/2)', 'tm-test', 'tm-producer');
    const consumerSignal = new Signal();
    consumer.setConsumer(consumerSignal);
    consumer.start();

    // The producer writes until its queue is full; once the consumer's credit is spent and nobody
    // polls, it stays full: at most the credit, one buffer and its own capacity ever left it.
    let pushed = 0;
    for (let round = 0; round < 3; round++) {
      while (producer.isWritable()) producer.push(batch(pushed++ * 10, 10));
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(producer.isWritable()).toBe(false);
    const bytesPerBatch = encodeBatch(batch(0, 10)).length;
    expect(pushed * bytesPerBatch).toBeLessThan(2_000 + 500 + 2_000 + 2 * bytesPerBatch);

    // Now a slow consumer takes batches one by one; the producer resumes only as credit returns.
    const received: number[] = [];
    const total = 200;
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

  it('sends a partial buffer when the producer flushes, and keeps events in order with records', async () => {
    const producer = new RemoteSubpartition(channelKey(id), { bufferBytes: 1 << 20, capacityBytes: 4 << 20 }, 'consumer (2/2)');
    registry.registerRemote(producer);
    const consumer = new RemoteInputChannel(client, id, 4 << 20, 'producer (1/2)', 'tm-test', 'tm-producer');
    const signal = new Signal();
    consumer.setConsumer(signal);
    consumer.start();
    const next = async (): Promise<StreamElement> => {
      for (;;) {
        const element = consumer.poll();
        if (element !== undefined) return element;
        await signal.wait();
      }
    };

    producer.push(untimed([1, 2, 3]));
    producer.flush();
    expect((await next()) as RecordBatch).toMatchObject({ values: [1, 2, 3] });

    producer.push(untimed([4]));
    producer.push(untimed(['five']));
    producer.push(new CheckpointBarrier(7, 70));
    producer.push(untimed([6]));
    producer.push(EndOfPartition.INSTANCE);
    const beforeBarrier: unknown[] = [];
    let element = await next();
    for (; element instanceof RecordBatch; element = await next()) beforeBarrier.push(...element.values);
    expect(beforeBarrier).toEqual([4, 'five']);
    expect(element).toEqual(new CheckpointBarrier(7, 70));
    expect(((await next()) as RecordBatch).values).toEqual([6]);
    expect(await next()).toBe(EndOfPartition.INSTANCE);
    consumer.close();
  });

  it('fails the consumer with the producer named when the producer side goes away', async () => {
    const producer = new RemoteSubpartition(channelKey(id), { bufferBytes: 100, capacityBytes: 1_000 }, 'consumer (2/2)');
    registry.registerRemote(producer);
    const consumer = new RemoteInputChannel(client, id, 1_000, 'Source (1/2) on TaskManager tm-1 (127.0.0.1:1)', 'tm-test', 'tm-1');
    const signal = new Signal();
    consumer.setConsumer(signal);
    consumer.start();
    producer.push(batch(0, 3));
    producer.flush();
    await signal.wait();
    expect(consumer.poll()).toBeInstanceOf(RecordBatch);
    producer.release('the producing task was cancelled');
    await signal.wait();
    expect(() => consumer.poll()).toThrow(/Source \(1\/2\) on TaskManager tm-1/);
    // A producer that stopped on purpose is still reachable: nothing to exclude from scheduling.
    let lost: unknown;
    try {
      consumer.poll();
    } catch (error) {
      lost = error;
    }
    expect(lost).toBeInstanceOf(RemoteChannelLost);
    expect((lost as RemoteChannelLost).unreachableTaskManagerId).toBeUndefined();
  });
});
