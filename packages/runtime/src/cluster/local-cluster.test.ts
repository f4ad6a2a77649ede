import { describe, expect, it } from 'vitest';
import {
  AggregatingStateDescriptor,
  IllegalOperatorUsage,
  ListStateDescriptor,
  MapStateDescriptor,
  OutputTag,
  ReducingStateDescriptor,
  StreamExecutionEnvironment,
  ValueStateDescriptor,
  type Collector,
  type KeyedProcessContext,
  type ProcessContext,
  type RuntimeContext,
  type Sink,
  type SinkWriter,
  type Source,
  type SourceReader,
  type AggregatingState,
  type ListState,
  type MapState,
  type ReducingState,
  type ValueState,
} from '@sage/core';
import { CollectSink } from '../testing/collect-sink.js';
import { LocalCluster, type JobResult } from './local-cluster.js';

const WORDS = ['stream', 'state', 'barrier', 'key', 'group', 'window', 'sink', 'source', 'task', 'slot', 'credit', 'shuffle', 'watermark'];

/** A seeded corpus: the same lines on every run. */
function corpus(lines: number): string[] {
  let seed = 7;
  const next = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
  return Array.from({ length: lines }, () => Array.from({ length: 1 + (next() % 15) }, () => WORDS[next() % WORDS.length]).join(' '));
}

async function run(env: StreamExecutionEnvironment): Promise<JobResult> {
  const result = await new LocalCluster({ batchSize: 64 }).execute(env.compile()).result;
  if (result.failure) throw result.failure;
  return result;
}

/** The values emitted per key, in emission order. */
function perKey<T>(values: T[], key: (v: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const v of values) map.set(key(v), [...(map.get(key(v)) ?? []), v]);
  return map;
}

describe('job-level results in a LocalCluster', () => {
  it('counts the words of a generated corpus exactly as an independent count, at parallelism 1, 3 and 8', async () => {
    const lines = corpus(2000);
    const expected = new Map<string, number>();
    for (const line of lines) for (const word of line.split(' ')) expected.set(word, (expected.get(word) ?? 0) + 1);
    for (const parallelism of [1, 3, 8]) {
      const env = new StreamExecutionEnvironment({ parallelism });
      const sink = new CollectSink<[string, number]>();
      env
        .fromCollection(lines)
        .flatMap((line: string) => line.split(' '))
        .keyBy((word) => word)
        .map((word): [string, number] => [word, 1])
        .keyBy(([word]) => word)
        .reduce(([word, a], [, b]) => [word, a + b])
        .sink(sink);
      await run(env);
      const finals = new Map<string, number>();
      for (const [word, count] of sink.values) finals.set(word, Math.max(finals.get(word) ?? 0, count));
      expect(finals).toEqual(expected);
    }
  });

  it('gives identical per-key results for a keyed reduce at parallelism 1, 3 and 8', async () => {
    const results: Map<string, number[]>[] = [];
    for (const parallelism of [1, 3, 8]) {
      const env = new StreamExecutionEnvironment({ parallelism });
      const sink = new CollectSink<{ key: number; sum: number }>();
      env
        .fromSequence(1, 20_000)
        .map((n: number) => ({ key: n % 37, sum: n }))
        .keyBy((r) => r.key)
        .reduce((a, b) => ({ key: a.key, sum: a.sum + b.sum }))
        .sink(sink);
      await run(env);
      const byKey = perKey(sink.values, (r) => String(r.key));
      results.push(new Map([...byKey].map(([k, v]) => [k, v.map((r) => r.sum)])));
    }
    // The source's subtasks read different ranges, so compare what does not depend on arrival order:
    // every key's final sum and its number of updates.
    const summary = (m: Map<string, number[]>) => new Map([...m].map(([k, sums]) => [k, [Math.max(...sums), sums.length]]));
    expect(summary(results[1]!)).toEqual(summary(results[0]!));
    expect(summary(results[2]!)).toEqual(summary(results[0]!));
  });

  it('keeps per-key order when the input order is fixed', async () => {
    const outputs: Map<string, number[]>[] = [];
    for (const parallelism of [1, 3, 8]) {
      const env = new StreamExecutionEnvironment({ parallelism });
      const sink = new CollectSink<[number, number]>();
      env
        .fromCollection(Array.from({ length: 5000 }, (_, i) => i))
        .keyBy((n: number) => n % 11)
        .reduce((a, b) => a + b)
        .map((sum) => [sum, 0] as [number, number])
        .sink(sink);
      await run(env);
      outputs.push(perKey(sink.values.map(([sum]) => sum), () => 'all'));
    }
    const sorted = (m: Map<string, number[]>) => [...m.get('all')!].sort((a, b) => a - b);
    expect(sorted(outputs[1]!)).toEqual(sorted(outputs[0]!));
    expect(sorted(outputs[2]!)).toEqual(sorted(outputs[0]!));
  });

  it('scopes every kind of keyed state to the current key', async () => {
    interface Out {
      key: string;
      value: number;
      list: number[];
      mapSize: number;
      reduced: number;
      average: number;
    }
    class AllStates {
      private value!: ValueState<number>;
      private list!: ListState<number>;
      private map!: MapState<{ n: number }, number>;
      private reduced!: ReducingState<number>;
      private average!: AggregatingState<number, number>;

      open(ctx: RuntimeContext) {
        this.value = ctx.getState(new ValueStateDescriptor<number>('value', 100));
        this.list = ctx.getState(new ListStateDescriptor<number>('list'));
        this.map = ctx.getState(new MapStateDescriptor<{ n: number }, number>('map'));
        this.reduced = ctx.getState(new ReducingStateDescriptor<number>('max', (a, b) => Math.max(a, b)));
        this.average = ctx.getState(
          new AggregatingStateDescriptor<number, [number, number], number>('avg', {
            createAccumulator: () => [0, 0],
            add: (v, [sum, count]) => [sum + v, count + 1],
            getResult: ([sum, count]) => sum / count,
          }),
        );
      }

      processElement([key, n]: [string, number], _ctx: KeyedProcessContext<string>, out: Collector<Out>) {
        this.value.update(this.value.value()! + n);
        this.list.add(n);
        this.map.put({ n: n % 2 }, (this.map.get({ n: n % 2 }) ?? 0) + 1);
        this.reduced.add(n);
        this.average.add(n);
        out.collect({ key, value: this.value.value()!, list: [...this.list.get()], mapSize: [...this.map.entries()].length, reduced: this.reduced.get()!, average: this.average.get()! });
      }
    }
    const env = new StreamExecutionEnvironment({ parallelism: 3 });
    const sink = new CollectSink<Out>();
    env
      .fromElements<[string, number]>(['a', 1], ['b', 10], ['a', 2], ['b', 20], ['a', 3])
      .keyBy(([k]) => k)
      .process(new AllStates())
      .sink(sink);
    await run(env);
    const last = new Map(sink.values.map((o) => [o.key, o]));
    expect(last.get('a')).toEqual({ key: 'a', value: 106, list: [1, 2, 3], mapSize: 2, reduced: 3, average: 2 });
    expect(last.get('b')).toEqual({ key: 'b', value: 130, list: [10, 20], mapSize: 1, reduced: 20, average: 15 });
  });

  it('fails a job whose non-keyed function asks for keyed state, naming the operator', async () => {
    const env = new StreamExecutionEnvironment();
    env
      .fromElements(1, 2)
      .map({
        open(ctx: RuntimeContext) {
          ctx.getState(new ValueStateDescriptor<number>('n'));
        },
        map: (x: number) => x,
      })
      .name('Stateful map')
      .sink(new CollectSink());
    const result = await new LocalCluster().execute(env.compile()).result;
    expect(result.state).toBe('FAILED');
    expect(result.failure!.cause).toBeInstanceOf(IllegalOperatorUsage);
    expect(String(result.failure!.cause)).toMatch(/'Stateful map' asked for keyed state 'n'.*call keyBy/);
  });

  it('routes side outputs, unions streams and broadcasts to every subtask', async () => {
    const odd = new OutputTag<number>('odd');
    const env = new StreamExecutionEnvironment({ parallelism: 2 });
    const evens = new CollectSink<number>();
    const odds = new CollectSink<string>();
    const split = env.fromSequence(1, 10).process((n: number, ctx: ProcessContext, out: Collector<number>) => {
      if (n % 2 === 0) out.collect(n);
      else ctx.output(odd, n);
    });
    split.sink(evens);
    split.getSideOutput(odd).map((n) => `odd ${n}`).sink(odds);
    const unioned = new CollectSink<number>();
    env.fromElements(1, 2).union(env.fromElements(3), env.fromSequence(4, 5)).sink(unioned);
    const broadcast = new CollectSink<string>();
    env
      .fromElements('x', 'y')
      .broadcast()
      .map({
        subtask: -1,
        open(ctx: RuntimeContext) {
          this.subtask = ctx.subtaskIndex;
        },
        map(v: string) {
          return `${v}@${this.subtask}`;
        },
      } as { subtask: number; open(ctx: RuntimeContext): void; map(v: string): string })
      .setParallelism(3)
      .sink(broadcast);
    await run(env);
    expect(evens.values.sort((a, b) => a - b)).toEqual([2, 4, 6, 8, 10]);
    expect(odds.values.sort()).toEqual(['odd 1', 'odd 3', 'odd 5', 'odd 7', 'odd 9']);
    expect(unioned.values.sort()).toEqual([1, 2, 3, 4, 5]);
    expect(broadcast.values.sort()).toEqual(['x@0', 'x@1', 'x@2', 'y@0', 'y@1', 'y@2']);
  });

  it('spreads records round-robin with rebalance and supports flatMap by array or collector', async () => {
    const env = new StreamExecutionEnvironment({ parallelism: 1 });
    const perSubtask = new CollectSink<number>();
    env.fromSequence(1, 300).rebalance().map((n: number) => n).setParallelism(3).sink(perSubtask).setParallelism(3);
    const flat = new CollectSink<string>();
    env
      .fromElements('a b', 'c')
      .flatMap((line: string) => line.split(' '))
      .flatMap((word: string, out: Collector<string>) => {
        out.collect(word);
        out.collect(word.toUpperCase());
      })
      .sink(flat);
    await run(env);
    expect([...perSubtask.committed.values()].map((v) => v.length)).toEqual([100, 100, 100]);
    expect(flat.values).toEqual(['a', 'A', 'b', 'B', 'c', 'C']);
  });

  it('opens and closes class functions once per subtask, each with its own copy', async () => {
    const events: string[] = [];
    class Tagger {
      private tag = '';
      open(ctx: RuntimeContext) {
        this.tag = `${ctx.subtaskIndex}/${ctx.parallelism}`;
        events.push(`open ${this.tag}`);
      }
      map(n: number) {
        return `${n}@${this.tag}`;
      }
      close() {
        events.push(`close ${this.tag}`);
      }
    }
    const env = new StreamExecutionEnvironment({ parallelism: 2 });
    const sink = new CollectSink<string>();
    env.fromSequence(1, 4).map(new Tagger()).sink(sink);
    await run(env);
    expect(events.sort()).toEqual(['close 0/2', 'close 1/2', 'open 0/2', 'open 1/2']);
    expect(sink.values.sort()).toEqual(['1@0/2', '2@0/2', '3@1/2', '4@1/2']);
  });

  it('fails the job with the user error and its stack, and commits nothing', async () => {
    const env = new StreamExecutionEnvironment({ parallelism: 2 });
    const sink = new CollectSink<number>();
    env
      .fromSequence(1, 1000)
      .map(function explode(n: number) {
        if (n === 700) throw new RangeError('bad record 700');
        return n;
      })
      .sink(sink);
    const result = await new LocalCluster().execute(env.compile()).result;
    expect(result.state).toBe('FAILED');
    const cause = result.failure!.cause as Error;
    expect(cause).toBeInstanceOf(RangeError);
    expect(cause.message).toBe('bad record 700');
    expect(cause.stack).toMatch(/explode/);
    expect(sink.values).toEqual([]);
  });

  it('cancels an unbounded job and stops every task', async () => {
    const env = new StreamExecutionEnvironment({ parallelism: 2 });
    env.fromSource(new Endless()).keyBy((n: number) => n % 4).reduce((a, b) => a + b).sink(new CollectSink());
    const execution = new LocalCluster().execute(env.compile());
    while (!execution.tasks.every((t) => t.state === 'RUNNING')) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 50));
    execution.cancel();
    const result = await execution.result;
    expect(result.state).toBe('CANCELED');
    expect(execution.tasks.map((t) => t.state)).toEqual(execution.tasks.map(() => 'CANCELED'));
  });

  it('holds a fast source back behind a slow sink: channels never exceed their capacity, output complete and in order', async () => {
    const capacity = 2;
    const batchSize = 16;
    const env = new StreamExecutionEnvironment({ parallelism: 1 });
    const slow = new SlowSink();
    env.fromSequence(1, 5000).map((n: number) => n).disableChaining().sink(slow).disableChaining();
    const execution = new LocalCluster({ batchSize, channelCapacity: capacity }).execute(env.compile());
    let maxGap = 0;
    const source = execution.tasks[0]!;
    const sinkTask = execution.tasks[2]!;
    const sampler = setInterval(() => {
      maxGap = Math.max(maxGap, source.metrics.recordsIn - sinkTask.metrics.recordsOut);
    }, 1);
    const result = await execution.result;
    clearInterval(sampler);
    expect(result.state).toBe('FINISHED');
    expect(slow.written).toEqual(Array.from({ length: 5000 }, (_, i) => i + 1));
    // At most: one source poll (4096) + two full channels and partial batches in between.
    expect(maxGap).toBeLessThan(4096 + 4 * (capacity + 1) * batchSize + 200);
  });
});

class Endless implements Source<number, number> {
  readonly name = 'Endless';
  readonly boundedness = 'unbounded' as const;
  createReader(): SourceReader<number, number> {
    let n = 0;
    return {
      async start() {},
      pollNext(output) {
        for (let i = 0; i < 100; i++) output.collect(n++);
        return 'more';
      },
      isAvailable: () => Promise.resolve(),
      snapshotState: () => [n],
      async close() {},
    };
  }
}

/** Writes 50 records, then is unavailable for a millisecond: far slower than the source. */
class SlowSink implements Sink<number, never> {
  readonly name = 'Slow';
  readonly written: number[] = [];
  createWriter(): SinkWriter<number, never> {
    let blockedUntil = 0;
    let sinceBlock = 0;
    return {
      write: (n) => {
        this.written.push(n);
        if (++sinceBlock >= 50) {
          sinceBlock = 0;
          blockedUntil = Date.now() + 1;
        }
      },
      isAvailable: () => Date.now() >= blockedUntil,
      whenAvailable: () => new Promise((resolve) => setTimeout(resolve, 1)),
      prepareCommit: async () => [],
      close: async () => {},
    };
  }
}
