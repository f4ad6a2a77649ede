import { describe, expect, expectTypeOf, it } from 'vitest';
import { DiscardingSink } from '../connectors/discarding-sink.js';
import type { Sink } from '../connectors/sink.js';
import { StreamExecutionEnvironment } from './environment.js';
import { KeyedStream, SingleOutputStream, type DataStream } from './data-stream.js';

describe('the DataStream API', () => {
  it('carries record types from source to sink', () => {
    const env = new StreamExecutionEnvironment();
    const strings = env.fromSequence(1, 3).map((x: number) => String(x));
    expectTypeOf(strings).toEqualTypeOf<SingleOutputStream<string>>();
    expectTypeOf(strings).toMatchTypeOf<DataStream<string>>();
    expectTypeOf(strings.keyBy((s) => s.length)).toEqualTypeOf<KeyedStream<string, number>>();
    expectTypeOf(strings.keyBy((s) => s.length).reduce((a, b) => a + b)).toEqualTypeOf<SingleOutputStream<string>>();
    expectTypeOf(strings.flatMap((s) => s.split(''))).toEqualTypeOf<SingleOutputStream<string>>();
    expectTypeOf(env.fromElements({ id: 1 }).filter((r) => r.id > 0)).toEqualTypeOf<SingleOutputStream<{ id: number }>>();
    expectTypeOf(strings.sink).parameter(0).toEqualTypeOf<Sink<string, any>>();
    // @ts-expect-error a stream of strings cannot be unioned with a stream of numbers
    strings.union(env.fromSequence(1, 2));
    expect(strings).toBeInstanceOf(SingleOutputStream);
  });

  it('refuses what is not a function, a sink or a stream of the same environment with a TypeError that says what it takes', () => {
    const env = new StreamExecutionEnvironment();
    const stream = env.fromSequence(1, 3);
    expect(() => stream.map(42 as never)).toThrow(/Expected a function or an object with a map\(\) method, got number/);
    expect(() => stream.keyBy('id' as never)).toThrow(/keyBy\(\) takes a function/);
    expect(() => stream.sink({} as never)).toThrow(/sink\(\) takes a Sink/);
    expect(() => stream.union(new StreamExecutionEnvironment().fromSequence(1, 2))).toThrow(/different environments/);
    expect(() => env.fromCollection(7 as never)).toThrow(/fromCollection\(\) takes an iterable/);
    expect(() => env.fromSequence(5, 1)).toThrow(RangeError);
    expect(() => stream.uid('')).toThrow(/non-empty/);
  });

  it('records each call as a node of the StreamGraph, nothing runs until compile', () => {
    const env = new StreamExecutionEnvironment();
    env.fromSequence(1, 3).map((x: number) => x).name('Double').uid('double').setParallelism(4).sink(new DiscardingSink());
    const nodes = env.getStreamGraph().nodes;
    expect(nodes.map((n) => [n.kind, n.name, n.uid, n.parallelism])).toEqual([
      ['source', 'Source: Sequence', undefined, undefined],
      ['map', 'Double', 'double', 4],
      ['sink', 'Sink: Discard', undefined, undefined],
    ]);
  });
});
