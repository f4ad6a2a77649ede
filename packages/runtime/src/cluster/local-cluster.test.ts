import { describe, expect, it } from 'vitest';
import {
  KeyedProcessFunction,
  StreamExecutionEnvironment,
  ValueStateDescriptor,
  assignToKeyGroup,
  subtaskForKeyGroup,
  type Collector,
  type KeyedProcessContext,
  type RuntimeContext,
  type ValueState,
} from '@sage/core';
import { CollectSink } from '../testing/collect-sink.js';
import { LocalCluster, type JobResult } from './local-cluster.js';

const PARALLELISMS = [1, 3, 8] as const;

/** A seeded linear congruential generator: the same numbers on every run and machine. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32;
}

/** A seeded corpus over a skewed vocabulary: a few words are frequent, many are rare. */
function corpus(lines: number, seed: number): string[] {
  const next = random(seed);
  const vocabulary = Array.from({ length: 300 }, (_, i) => `w${i.toString(36)}`);
  return Array.from({ length: lines }, () =>
    Array.from({ length: 1 + Math.floor(next() * 12) }, () => vocabulary[Math.floor(vocabulary.length * next() ** 3)]!).join(' '),
  );
}

function countWords(lines: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const line of lines) for (const word of line.split(' ')) counts.set(word, (counts.get(word) ?? 0) + 1);
  return counts;
}

async function run(env: StreamExecutionEnvironment): Promise<JobResult> {
  const result = await new LocalCluster({ batchSize: 64 }).execute(env.compile()).result;
  if (result.failure) throw result.failure;
  expect(result.state).toBe('FINISHED');
  return result;
}

/** Emitted values grouped by key, each group in emission order. */
function perKey<T, K>(values: readonly T[], key: (value: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const value of values) {
    const group = groups.get(key(value));
    if (group === undefined) groups.set(key(value), [value]);
    else group.push(value);
  }
  return groups;
}

/** Counts words with a ValueState, as a user would write it without reduce. */
class WordCounter extends KeyedProcessFunction<string, string, [string, number]> {
  private count!: ValueState<number>;

  override open(ctx: RuntimeContext): void {
    this.count = ctx.getState(new ValueStateDescriptor<number>('count', 0));
  }

  processElement(word: string, ctx: KeyedProcessContext<string>, out: Collector<[string, number]>): void {
    const count = this.count.value()! + 1;
    this.count.update(count);
    out.collect([ctx.getCurrentKey(), count]);
  }
}

describe('word count over a generated corpus', () => {
  const lines = corpus(3000, 20261125);
  const expected = countWords(lines);

  it.each(PARALLELISMS)('counts every word as an independent count does, with reduce, at parallelism %i', async (parallelism) => {
    const env = new StreamExecutionEnvironment({ parallelism });
    const sink = new CollectSink<[string, number]>();
    env
      .fromCollection(lines)
      .flatMap((line: string) => line.split(' '))
      .map((word): [string, number] => [word, 1])
      .keyBy(([word]) => word)
      .reduce(([word, a], [, b]) => [word, a + b])
      .sink(sink);
    await run(env);

    // The last count emitted for a word is its total; before it came every count from 1 up.
    const finals = new Map(sink.values);
    expect(finals).toEqual(expected);
    for (const [word, emitted] of perKey(sink.values, ([w]) => w)) {
      expect(emitted.map(([, n]) => n)).toEqual(Array.from({ length: expected.get(word)! }, (_, i) => i + 1));
    }
  });

  it.each(PARALLELISMS)(
    'counts every word as an independent count does, with a KeyedProcessFunction and ValueState, at parallelism %i',
    async (parallelism) => {
      const env = new StreamExecutionEnvironment({ parallelism });
      const sink = new CollectSink<[string, number]>();
      env
        .fromElements(...lines)
        .flatMap((line: string, out: Collector<string>) => {
          for (const word of line.split(' ')) out.collect(word);
        })
        .keyBy((word) => word)
        .process(new WordCounter())
        .sink(sink);
      await run(env);
      expect(new Map(sink.values)).toEqual(expected);
    },
  );
});

describe('keyed reduce', () => {
  /** Seeded events from one (non-parallel) source, so every key's input order is fixed. */
  function events(count: number): { user: string; amount: number }[] {
    const next = random(42);
    return Array.from({ length: count }, () => ({ user: `user-${Math.floor(next() * 97)}`, amount: Math.floor(next() * 1000) }));
  }

  async function runningTotals(parallelism: number, input: readonly { user: string; amount: number }[]) {
    const env = new StreamExecutionEnvironment({ parallelism });
    const sink = new CollectSink<{ user: string; amount: number }>();
    env
      .fromCollection(input)
      .keyBy((e) => e.user)
      .reduce((a, b) => ({ user: a.user, amount: a.amount + b.amount }))
      .sink(sink);
    await run(env);
    return sink;
  }

  it('emits the same sequence of values per key at parallelism 1, 3 and 8, equal to a plain running sum', async () => {
    const input = events(20_000);
    const expected = new Map<string, number[]>();
    const totals = new Map<string, number>();
    for (const { user, amount } of input) {
      const total = (totals.get(user) ?? 0) + amount;
      totals.set(user, total);
      expected.set(user, [...(expected.get(user) ?? []), total]);
    }

    for (const parallelism of PARALLELISMS) {
      const sink = await runningTotals(parallelism, input);
      // A key lives in one subtask and channels are FIFO, so per key the order is the input's;
      // across keys (and subtasks) there is no order to compare.
      const actual = new Map([...perKey(sink.values, (e) => e.user)].map(([user, es]) => [user, es.map((e) => e.amount)]));
      expect(actual).toEqual(expected);
    }
  });

  it.each([3, 8])('puts every key in the one subtask that owns its key group, at parallelism %i', async (parallelism) => {
    const sink = await runningTotals(parallelism, events(5000));
    expect(sink.committed.size).toBe(parallelism);
    for (const [subtask, values] of sink.committed) {
      for (const { user } of values) expect(subtaskForKeyGroup(128, parallelism, assignToKeyGroup(user, 128))).toBe(subtask);
    }
  });
});

describe('the job result', () => {
  it('reports records in and out per vertex', async () => {
    const env = new StreamExecutionEnvironment({ parallelism: 2 });
    env
      .fromSequence(1, 1000)
      .filter((n: number) => n % 4 === 0)
      .keyBy((n) => n % 10)
      .reduce((a, b) => a + b)
      .sink(new CollectSink());
    const result = await run(env);
    expect(result.vertices.map(({ name, parallelism, recordsIn, recordsOut }) => ({ name, parallelism, recordsIn, recordsOut }))).toEqual([
      { name: 'Source: Sequence -> Filter', parallelism: 2, recordsIn: 1000, recordsOut: 250 },
      { name: 'Reduce -> Sink: Collect', parallelism: 2, recordsIn: 250, recordsOut: 250 },
    ]);
  });
});
