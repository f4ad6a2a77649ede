import { describe, expect, it } from 'vitest';
import {
  KeyedProcessFunction,
  StreamExecutionEnvironment,
  type InputStatus,
  type ReaderOutput,
  type Sink,
  type SinkWriter,
  type SinkWriterContext,
  type Source,
  type SourceReader,
} from '@sage/core';
import { LocalCluster } from '../cluster/local-cluster.js';
import { CollectSink } from '../testing/collect-sink.js';

/** Waits for a condition, polling; fails after `timeoutMs` instead of hanging. */
async function waitFor(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/** 1..count in polls of `perPoll` records, counting what it emitted. */
class CountingSource implements Source<number, number> {
  readonly name = 'Counting';
  readonly boundedness = 'bounded' as const;
  emitted = 0;
  readonly onEmit: (() => void)[] = [];

  constructor(
    private readonly count: number,
    private readonly perPoll: number,
  ) {}

  createReader(): SourceReader<number, number> {
    return {
      start: async () => {},
      pollNext: (output: ReaderOutput<number>): InputStatus => {
        for (let i = 0; i < this.perPoll; i++) {
          if (this.emitted === this.count) return 'end';
          output.collect(++this.emitted);
        }
        for (const listener of this.onEmit) listener();
        return this.emitted === this.count ? 'end' : 'more';
      },
      isAvailable: () => Promise.resolve(),
      snapshotState: () => [this.emitted],
      close: async () => {},
    };
  }
}

/** An unbounded source: every poll emits 100 more numbers, for ever. */
class EndlessSource implements Source<number, number> {
  readonly name = 'Endless';
  readonly boundedness = 'unbounded' as const;
  emitted = 0;
  closedReaders = 0;

  createReader(): SourceReader<number, number> {
    return {
      start: async () => {},
      pollNext: (output) => {
        for (let i = 0; i < 100; i++) output.collect(this.emitted++);
        return 'more';
      },
      isAvailable: () => Promise.resolve(),
      snapshotState: () => [this.emitted],
      close: async () => {
        this.closedReaders++;
      },
    };
  }
}

/** An unbounded source with nothing to read: the task waits on isAvailable(), which never resolves. */
class SilentSource implements Source<number, never> {
  readonly name = 'Silent';
  readonly boundedness = 'unbounded' as const;
  started = 0;

  createReader(): SourceReader<number, never> {
    return {
      start: async () => {
        this.started++;
      },
      pollNext: () => 'nothing',
      isAvailable: () => new Promise<void>(() => {}),
      snapshotState: () => [],
      close: async () => {},
    };
  }
}

/**
 * A slow sink: writes go to a buffer that a timer drains a millisecond later; while the buffer holds
 * `limit` records or more the writer is unavailable. Drained records are kept per subtask.
 */
class SlowSink implements Sink<number, never> {
  readonly name = 'Slow';
  readonly drained = new Map<number, number[]>();
  received = 0;
  unavailableAnswers = 0;
  readonly onWrite: (() => void)[] = [];

  constructor(
    private readonly limit: number,
    private readonly withWhenAvailable = true,
  ) {}

  createWriter(ctx: SinkWriterContext): SinkWriter<number, never> {
    const out: number[] = [];
    this.drained.set(ctx.subtaskIndex, out);
    let buffer: number[] = [];
    let timer: NodeJS.Timeout | undefined;
    const waiters: (() => void)[] = [];
    const drain = () => {
      clearTimeout(timer);
      timer = undefined;
      for (const n of buffer) out.push(n);
      buffer = [];
      for (const wake of waiters.splice(0)) wake();
    };
    const writer: SinkWriter<number, never> = {
      write: (n) => {
        this.received++;
        buffer.push(n);
        timer ??= setTimeout(drain, 1);
        for (const listener of this.onWrite) listener();
      },
      isAvailable: () => {
        if (buffer.length < this.limit) return true;
        this.unavailableAnswers++;
        return false;
      },
      prepareCommit: async () => {
        drain();
        return [];
      },
      close: async () => clearTimeout(timer),
    };
    if (this.withWhenAvailable) writer.whenAvailable = () => new Promise<void>((resolve) => waiters.push(resolve));
    return writer;
  }
}

describe('failures', () => {
  it('fail the job with the original user error as failure.cause, its stack intact, and commit nothing', async () => {
    class Explode extends KeyedProcessFunction<number, number, number> {
      processElement(n: number, _ctx: unknown, out: { collect(v: number): void }): void {
        if (n === 700) throw new RangeError('bad record 700');
        out.collect(n);
      }
    }
    const env = new StreamExecutionEnvironment({ parallelism: 2 });
    const sink = new CollectSink<number>();
    env.fromSequence(1, 1000).keyBy((n: number) => n % 5).process(new Explode()).name('Explode').sink(sink);
    const execution = new LocalCluster({ batchSize: 16 }).execute(env.compile());
    const result = await execution.result;

    expect(result.state).toBe('FAILED');
    expect(result.failure!.message).toMatch(/Task Explode -> Sink: Collect \(\d\/2\) failed: bad record 700/);
    const cause = result.failure!.cause as Error;
    expect(cause).toBeInstanceOf(RangeError);
    expect(cause.message).toBe('bad record 700');
    expect(cause.stack).toMatch(/at Explode\.processElement .*task\.test\.ts/);
    expect(sink.values).toEqual([]);
    // The failure stops the whole job: no task is left running.
    expect(execution.tasks.filter((t) => !['FAILED', 'CANCELED', 'FINISHED'].includes(t.state))).toEqual([]);
  });

  it('fail the job when a function throws in open()', async () => {
    const env = new StreamExecutionEnvironment();
    env
      .fromElements(1, 2, 3)
      .map({
        open() {
          throw new Error('cannot connect to the model server');
        },
        map: (n: number) => n,
      })
      .sink(new CollectSink());
    const result = await new LocalCluster().execute(env.compile()).result;
    expect(result.state).toBe('FAILED');
    expect((result.failure!.cause as Error).message).toBe('cannot connect to the model server');
  });
});

describe('cancellation', () => {
  it('stops every task of an unbounded job and closes its readers; the job ends CANCELED', async () => {
    const source = new EndlessSource();
    const env = new StreamExecutionEnvironment({ parallelism: 2 });
    env.fromSource(source).keyBy((n: number) => n % 4).reduce((a, b) => a + b).sink(new CollectSink());
    const execution = new LocalCluster().execute(env.compile());
    await waitFor(() => source.emitted >= 50_000, 'the endless source to emit 50 000 records');

    execution.cancel();
    const result = await execution.result;

    expect(result.state).toBe('CANCELED');
    expect(result.failure).toBeUndefined();
    expect(execution.tasks.map((t) => t.state)).toEqual(execution.tasks.map(() => 'CANCELED'));
    expect(source.closedReaders).toBe(2);
    const emittedAtEnd = source.emitted;
    await new Promise((resolve) => setImmediate(resolve));
    expect(source.emitted).toBe(emittedAtEnd);
  });

  it('wakes and stops a task that waits for an idle source', async () => {
    const source = new SilentSource();
    const env = new StreamExecutionEnvironment();
    env.fromSource(source).sink(new CollectSink());
    const execution = new LocalCluster().execute(env.compile());
    await waitFor(() => source.started === 1 && execution.tasks[0]!.state === 'RUNNING', 'the task to run');

    execution.cancel();

    expect((await execution.result).state).toBe('CANCELED');
    expect(execution.tasks[0]!.state).toBe('CANCELED');
  });
});

describe('backpressure', () => {
  it('holds a fast source behind a slow sink: records in flight stay within the channels, output complete and in order per channel', async () => {
    const records = 5000;
    const batchSize = 16;
    const channelCapacity = 2;
    const source = new CountingSource(records, 8);
    const sink = new SlowSink(32);
    let maxInFlight = 0;
    const sample = () => (maxInFlight = Math.max(maxInFlight, source.emitted - sink.received));
    source.onEmit.push(sample);
    sink.onWrite.push(sample);

    // source (p=1) -rebalance-> map (p=2) -forward-> sink (p=2): three channels per path.
    const env = new StreamExecutionEnvironment({ parallelism: 2 });
    env
      .fromSource(source, { parallelism: 1 })
      .rebalance()
      .map((n: number) => n)
      .disableChaining()
      .sink(sink);
    const jobGraph = env.compile();
    expect(jobGraph.vertices.map((v) => v.name)).toEqual(['Source: Counting', 'Map', 'Sink: Slow']);
    const result = await new LocalCluster({ batchSize, channelCapacity }).execute(jobGraph).result;

    expect(result.state).toBe('FINISHED');
    expect(sink.unavailableAnswers).toBeGreaterThan(0);
    // Round-robin from one source subtask: subtask 0 gets the odd numbers, subtask 1 the even ones,
    // each in the order they were emitted.
    expect(sink.drained.get(0)).toEqual(Array.from({ length: records / 2 }, (_, i) => 2 * i + 1));
    expect(sink.drained.get(1)).toEqual(Array.from({ length: records / 2 }, (_, i) => 2 * i + 2));
    // Per path (2 of them): two channels of `channelCapacity` batches, a partial batch in each writer
    // and a batch being processed by each consumer; plus one source poll. Without backpressure the
    // source would have emitted everything before the sink drained its first buffer.
    const bound = 2 * (2 * channelCapacity * batchSize + 2 * batchSize + 2 * batchSize) + 8;
    expect(maxInFlight).toBeGreaterThan(0);
    expect(maxInFlight).toBeLessThanOrEqual(bound);
  });

  it('finishes a diamond of branches, a keyBy and a union over channels of one one-record batch', async () => {
    const env = new StreamExecutionEnvironment({ parallelism: 2 });
    const sink = new CollectSink<number>();
    const numbers = env.fromSequence(1, 20_000);
    const evens = numbers.filter((n: number) => n % 2 === 0).disableChaining();
    const negated = numbers.keyBy((n: number) => n % 7).map((n) => -n);
    evens.union(negated).rebalance().map((n) => n).setParallelism(3).sink(sink);
    const result = await new LocalCluster({ batchSize: 1, channelCapacity: 1 }).execute(env.compile()).result;

    expect(result.state).toBe('FINISHED');
    const expected = [
      ...Array.from({ length: 10_000 }, (_, i) => 2 * (i + 1)),
      ...Array.from({ length: 20_000 }, (_, i) => -(i + 1)),
    ];
    expect(sink.values.sort((a, b) => a - b)).toEqual(expected.sort((a, b) => a - b));
  });

  it('keeps the event loop turning when a sink without whenAvailable() waits for its drain timer', async () => {
    const sink = new SlowSink(10, false);
    const env = new StreamExecutionEnvironment();
    env.fromSequence(1, 50_000).sink(sink);
    const result = await new LocalCluster().execute(env.compile()).result;
    expect(result.state).toBe('FINISHED');
    expect(sink.drained.get(0)).toEqual(Array.from({ length: 50_000 }, (_, i) => i + 1));
  });

  it('keeps the event loop turning when a source answers nothing and says it is available at once', async () => {
    // Records arrive from a timer; isAvailable() is resolved at once, as in a lazy reader.
    class TimerSource implements Source<number, number> {
      readonly name = 'Timer';
      readonly boundedness = 'bounded' as const;
      createReader(): SourceReader<number, number> {
        let produced = 0;
        const ready: number[] = [];
        let timer: NodeJS.Timeout | undefined;
        return {
          start: async () => {
            timer = setInterval(() => ready.push(++produced), 1);
          },
          pollNext: (output) => {
            const n = ready.shift();
            if (n !== undefined) output.collect(n);
            if (n === 20) return 'end';
            return n === undefined ? 'nothing' : 'more';
          },
          isAvailable: () => Promise.resolve(),
          snapshotState: () => [produced],
          close: async () => clearInterval(timer),
        };
      }
    }
    const env = new StreamExecutionEnvironment();
    const sink = new CollectSink<number>();
    env.fromSource(new TimerSource()).sink(sink);
    const result = await new LocalCluster().execute(env.compile()).result;
    expect(result.state).toBe('FINISHED');
    expect(sink.values).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });
});
