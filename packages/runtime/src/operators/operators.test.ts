/** The DataStream operations as a job sees them: routing, fan-out and the lifecycle of user functions. */
import { describe, expect, it } from 'vitest';
import {
  OutputTag,
  ProcessFunction,
  StreamExecutionEnvironment,
  type Collector,
  type ProcessContext,
  type RuntimeContext,
  type Source,
  type SourceReader,
} from '@sage/core';
import { LocalCluster } from '../cluster/local-cluster.js';
import { CollectSink } from '../testing/collect-sink.js';

async function run(env: StreamExecutionEnvironment): Promise<void> {
  const result = await new LocalCluster({ batchSize: 8 }).execute(env.compile()).result;
  if (result.failure) throw result.failure;
  expect(result.state).toBe('FINISHED');
}

const byNumber = (a: number, b: number) => a - b;

describe('side outputs', () => {
  it('route records tagged with an OutputTag to getSideOutput, in the chain and across a keyBy', async () => {
    const rejected = new OutputTag<string>('rejected');
    class Validate extends ProcessFunction<number, number> {
      processElement(n: number, ctx: ProcessContext, out: Collector<number>) {
        if (n % 5 === 0) ctx.output(rejected, `rejected ${n}`);
        else out.collect(n);
      }
    }
    const env = new StreamExecutionEnvironment({ parallelism: 2 });
    const valid = new CollectSink<number>();
    const chainedSide = new CollectSink<string>();
    const keyedSide = new CollectSink<[number, number]>();
    const validated = env.fromSequence(1, 30).process(new Validate());
    validated.sink(valid);
    validated.getSideOutput(rejected).sink(chainedSide);
    validated
      .getSideOutput(rejected)
      .map((s) => Number(s.split(' ')[1]))
      .keyBy((n) => n % 2)
      .map((n): [number, number] => [n % 2, n])
      .sink(keyedSide);
    await run(env);

    expect(valid.values.sort(byNumber)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1).filter((n) => n % 5 !== 0));
    expect(chainedSide.values.sort()).toEqual(['rejected 10', 'rejected 15', 'rejected 20', 'rejected 25', 'rejected 30', 'rejected 5']);
    expect(keyedSide.values.sort((a, b) => a[1] - b[1])).toEqual([[1, 5], [0, 10], [1, 15], [0, 20], [1, 25], [0, 30]]);
  });
});

describe('union', () => {
  it('merges streams of several sources, keeping each input in its order', async () => {
    const env = new StreamExecutionEnvironment({ parallelism: 1 });
    const sink = new CollectSink<number>();
    env
      .fromElements(1, 2, 3)
      .union(env.fromCollection([10, 20, 30]), env.fromSequence(100, 102).map((n: number) => n))
      .sink(sink);
    await run(env);

    expect(sink.values.sort(byNumber)).toEqual([1, 2, 3, 10, 20, 30, 100, 101, 102]);
    expect(sink.values.filter((n) => n < 10)).toEqual([1, 2, 3]);
    expect(sink.values.filter((n) => n >= 10 && n < 100)).toEqual([10, 20, 30]);
  });
});

describe('partitioning', () => {
  it('broadcast sends every record to every downstream subtask', async () => {
    const env = new StreamExecutionEnvironment({ parallelism: 4 });
    const sink = new CollectSink<number>();
    env.fromElements(1, 2, 3).broadcast().map((n: number) => n).sink(sink);
    await run(env);

    expect(sink.committed.size).toBe(4);
    for (const values of sink.committed.values()) expect(values).toEqual([1, 2, 3]);
  });

  it('rebalance spreads records round-robin over the downstream subtasks, in order on each', async () => {
    const env = new StreamExecutionEnvironment({ parallelism: 3 });
    const sink = new CollectSink<number>();
    env.fromCollection(Array.from({ length: 300 }, (_, i) => i)).rebalance().map((n: number) => n).sink(sink);
    await run(env);

    expect([...sink.committed.keys()].sort()).toEqual([0, 1, 2]);
    for (const [subtask, values] of sink.committed) {
      expect(values).toEqual(Array.from({ length: 100 }, (_, i) => 3 * i + subtask));
    }
  });

  it('a lower downstream parallelism gets every record once', async () => {
    const env = new StreamExecutionEnvironment({ parallelism: 4 });
    const sink = new CollectSink<number>();
    env.fromSequence(1, 1000).map((n: number) => n * 2).sink(sink).setParallelism(3);
    await run(env);
    expect(sink.values.sort(byNumber)).toEqual(Array.from({ length: 1000 }, (_, i) => 2 * (i + 1)));
  });
});

describe('flatMap', () => {
  it('emits what the function returns (array or other iterable) and what it collects', async () => {
    const env = new StreamExecutionEnvironment();
    const sink = new CollectSink<string>();
    env
      .fromElements('a b', '', 'c')
      .flatMap((line: string) => (line === '' ? [] : line.split(' ')))
      .flatMap((word: string, out: Collector<string>) => {
        out.collect(word);
        out.collect(word.toUpperCase());
      })
      .flatMap(function* (word: string) {
        yield `<${word}>`;
      })
      .sink(sink);
    await run(env);
    expect(sink.values).toEqual(['<a>', '<A>', '<b>', '<B>', '<c>', '<C>']);
  });
});

describe('user functions as classes', () => {
  it('open(ctx) once per subtask with its index and parallelism before any record, close() at the end, on its own copy', async () => {
    const events: string[] = [];
    class Tagger {
      private tag = 'unopened';
      private count = 0;
      open(ctx: RuntimeContext) {
        this.tag = `${ctx.operatorName} ${ctx.subtaskIndex}/${ctx.parallelism}`;
        events.push(`open ${this.tag}`);
      }
      map(n: number) {
        this.count++;
        return `${n}@${this.tag}`;
      }
      close() {
        events.push(`close ${this.tag} after ${this.count}`);
      }
    }
    const env = new StreamExecutionEnvironment({ parallelism: 2 });
    const sink = new CollectSink<string>();
    env.fromSequence(1, 4).map(new Tagger()).name('Tag').sink(sink);
    await run(env);

    expect(events.sort()).toEqual(['close Tag 0/2 after 2', 'close Tag 1/2 after 2', 'open Tag 0/2', 'open Tag 1/2']);
    // fromSequence gives subtask 0 the first half of the range and subtask 1 the second.
    expect(sink.committed.get(0)).toEqual(['1@Tag 0/2', '2@Tag 0/2']);
    expect(sink.committed.get(1)).toEqual(['3@Tag 1/2', '4@Tag 1/2']);
  });

  it('see the timestamps their source assigned', async () => {
    class Timed implements Source<string, never> {
      readonly name = 'Timed';
      readonly boundedness = 'bounded' as const;
      createReader(): SourceReader<string, never> {
        return {
          start: async () => {},
          pollNext: (output) => {
            output.collect('with', 1_700_000_000_000);
            output.collect('without');
            return 'end';
          },
          isAvailable: () => Promise.resolve(),
          snapshotState: () => [],
          close: async () => {},
        };
      }
    }
    const env = new StreamExecutionEnvironment({ parallelism: 2 });
    const chained = new CollectSink<string>();
    const acrossKeyBy = new CollectSink<string>();
    const show = (value: string, ctx: ProcessContext, out: Collector<string>) => out.collect(`${value} ${ctx.timestamp()}`);
    const timed = env.fromSource(new Timed(), { parallelism: 1 });
    timed.process(show).sink(chained);
    timed.keyBy((value) => value).process(show).sink(acrossKeyBy);
    await run(env);
    expect(chained.values).toEqual(['with 1700000000000', 'without undefined']);
    expect(acrossKeyBy.values.sort()).toEqual(['with 1700000000000', 'without undefined']);
  });
});
