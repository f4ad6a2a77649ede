import { describe, expect, it } from 'vitest';
import { DiscardingSink } from '../connectors/discarding-sink.js';
import { StreamExecutionEnvironment } from '../api/environment.js';
import { KeyedProcessFunction } from '../functions/functions.js';
import { InvalidJobGraph } from '../errors.js';

function env(parallelism = 2): StreamExecutionEnvironment {
  return new StreamExecutionEnvironment({ jobName: 'test', parallelism });
}

describe('chaining in the JobGraph', () => {
  it('fuses forward edges of equal parallelism into one vertex', () => {
    const e = env();
    e.fromSequence(1, 10).map((x: number) => x + 1).filter((x) => x > 2).sink(new DiscardingSink());
    const graph = e.compile();
    expect(graph.vertices.map((v) => [v.name, v.parallelism])).toEqual([['Source: Sequence -> Map -> Filter -> Sink: Discard', 2]]);
    expect(graph.vertices[0]!.operators.map((o) => o.kind)).toEqual(['source', 'map', 'filter', 'sink']);
    expect(graph.edges).toEqual([]);
  });

  it('breaks the chain at keyBy with a hash edge into the keyed operator', () => {
    const e = env();
    e.fromSequence(1, 10).map((x: number) => x).keyBy((x) => x % 3).reduce((a, b) => a + b).sink(new DiscardingSink());
    const graph = e.compile();
    expect(graph.vertices.map((v) => v.name)).toEqual(['Source: Sequence -> Map', 'Reduce -> Sink: Discard']);
    expect(graph.edges).toMatchObject([{ sourceVertex: 0, targetVertex: 1, partitioner: 'hash', sideOutput: null }]);
    expect(graph.vertices[1]!.operators[0]).toMatchObject({ kind: 'reduce', keyed: true });
  });

  it('breaks the chain at keyBy with a hash edge, at rebalance, broadcast and different parallelism', () => {
    const e = env();
    const source = e.fromSequence(1, 10);
    source.keyBy((x) => x % 3).reduce((a, b) => a + b).sink(new DiscardingSink());
    source.rebalance().map((x) => x).sink(new DiscardingSink());
    source.broadcast().map((x) => x).sink(new DiscardingSink());
    source.map((x) => x).setParallelism(3).sink(new DiscardingSink());
    const graph = e.compile();
    // The parallelism-3 map also breaks from its sink (parallelism 2) with a rebalance.
    expect(graph.edges.map((edge) => edge.partitioner).sort()).toEqual(['broadcast', 'hash', 'rebalance', 'rebalance', 'rebalance']);
    expect(graph.vertices.map((v) => v.name)).toEqual([
      'Source: Sequence',
      'Reduce -> Sink: Discard',
      'Map -> Sink: Discard',
      'Map -> Sink: Discard',
      'Map',
      'Sink: Discard',
    ]);
  });

  it('honours disableChaining and startNewChain', () => {
    const e = env();
    e.fromSequence(1, 10).map((x: number) => x).disableChaining().map((x) => x).startNewChain().filter(() => true).sink(new DiscardingSink());
    expect(e.compile().vertices.map((v) => v.name)).toEqual(['Source: Sequence', 'Map', 'Map -> Filter -> Sink: Discard']);
  });

  it('gives the same fingerprint for the same job and a different one when a function changes', () => {
    const build = (offset: number) => {
      const e = env();
      e.fromSequence(1, 10).map(offset === 1 ? (x: number) => x + 1 : (x: number) => x + 2).sink(new DiscardingSink());
      return e.compile().fingerprint;
    };
    expect(build(1)).toBe(build(1));
    expect(build(1)).not.toBe(build(2));
  });

  it('changes the fingerprint when a key selector, a class method, the parallelism or a name changes', () => {
    class Double {
      map(x: number) {
        return x * 2;
      }
    }
    class Triple {
      map(x: number) {
        return x * 3;
      }
    }
    const build = (options: { key?: (x: number) => number; fn?: Double | Triple; parallelism?: number; name?: string } = {}) => {
      const e = env(options.parallelism ?? 2);
      e.fromSequence(1, 10)
        .map(options.fn ?? new Double())
        .name(options.name ?? 'Map')
        .keyBy(options.key ?? ((x) => x % 2))
        .reduce((a, b) => a + b)
        .sink(new DiscardingSink());
      return e.compile().fingerprint;
    };
    const base = build();
    expect(build()).toBe(base);
    expect(build({ key: (x) => x % 3 })).not.toBe(base);
    expect(build({ fn: new Triple() })).not.toBe(base);
    expect(build({ parallelism: 3 })).not.toBe(base);
    expect(build({ name: 'Double' })).not.toBe(base);
  });

  it('derives stable uids from the position in the graph and keeps given ones', () => {
    const build = (extraBranch: boolean) => {
      const e = env();
      const source = e.fromSequence(1, 10);
      if (extraBranch) source.filter(() => true).sink(new DiscardingSink());
      source.map((x: number) => x).sink(new DiscardingSink()).uid('out');
      return e.compile().vertices.flatMap((v) => v.operators.map((o) => `${o.kind}:${o.uid}`));
    };
    const plain = build(false);
    expect(plain).toContain('sink:out');
    expect(build(true)).toEqual(expect.arrayContaining(plain));
  });
});

/** Fails at compile() with InvalidJobGraph (code and class) and a message matching `message`. */
function expectInvalid(compile: () => unknown, message: RegExp): void {
  let error: unknown;
  try {
    compile();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(InvalidJobGraph);
  expect((error as InvalidJobGraph).code).toBe('InvalidJobGraph');
  expect((error as InvalidJobGraph).message).toMatch(message);
}

describe('plan-time errors name the operator', () => {
  it('refuses a keyed operation on a stream that is not keyed', () => {
    class CountPerKey extends KeyedProcessFunction<string, string, number> {
      processElement(): void {}
    }
    const e = env();
    e.fromElements('a', 'b').process(new CountPerKey()).name('Count per key').sink(new DiscardingSink());
    expectInvalid(() => e.compile(), /'Count per key'.*not keyed: call keyBy/);
  });

  it('refuses a cycle', () => {
    const e = env();
    const a = e.fromSequence(1, 10).map((x: number) => x).name('Loop A');
    const b = a.map((x) => x).name('Loop B');
    b.sink(new DiscardingSink());
    const graph = e.getStreamGraph();
    const idOf = (name: string) => graph.nodes.find((n) => n.name === name)!.id;
    graph.addEdge(idOf('Loop B'), idOf('Loop A'));
    expectInvalid(() => e.compile(), /cycle through 'Loop A', 'Loop B'/);
  });

  it('refuses a job without a sink and a stream that ends nowhere', () => {
    const none = env();
    none.fromSequence(1, 10).map((x: number) => x).name('Dangling');
    expectInvalid(() => none.compile(), /'Dangling'.*goes nowhere/);
    const branch = env();
    const source = branch.fromSequence(1, 10);
    source.sink(new DiscardingSink());
    source.filter(() => true).name('Forgotten filter');
    expectInvalid(() => branch.compile(), /The output of operator 'Forgotten filter' .* goes nowhere/);
  });

  it('refuses parallelism above maxParallelism', () => {
    const e = env().setMaxParallelism(4);
    e.fromSequence(1, 10).map((x: number) => x).name('Wide map').setParallelism(8).sink(new DiscardingSink());
    expectInvalid(() => e.compile(), /'Wide map'.*parallelism 8, above the job's maxParallelism of 4/);
  });

  it('refuses duplicate uids and a parallel non-parallel source', () => {
    const dup = env();
    dup.fromSequence(1, 10).map((x: number) => x).uid('same').sink(new DiscardingSink()).uid('same');
    expectInvalid(() => dup.compile(), /Operators 'Map' and 'Sink: Discard' share the uid 'same'/);
    const nonParallel = env();
    nonParallel.fromElements(1, 2).setParallelism(2).sink(new DiscardingSink());
    expectInvalid(() => nonParallel.compile(), /'Source: Elements' .* is a non-parallel source and cannot run with parallelism 2/);
  });
});

describe('plan-time errors that concern the whole job', () => {
  it('refuses a job without any operator and a maxParallelism out of range', () => {
    expectInvalid(() => env().compile(), /defines no operators/);
    const e = env().setMaxParallelism(0);
    e.fromSequence(1, 2).sink(new DiscardingSink());
    expectInvalid(() => e.compile(), /maxParallelism 0 is out of range/);
  });

  it('refuses an operator fed by a keyed stream through union(), which has no key to partition by', () => {
    const e = env();
    e.fromSequence(1, 10).keyBy((x: number) => x % 3).union(e.fromSequence(20, 25)).map((x) => x).name('After union').sink(new DiscardingSink());
    expectInvalid(() => e.compile(), /operator 'After union' .* reads a keyed stream but is not keyed itself.*call keyBy\(\.\.\.\) after union\(\)/);
  });

  it('refuses a forward edge between different parallelisms', () => {
    const e = env();
    e.fromSequence(1, 10).forward().map((x: number) => x).name('Narrow').setParallelism(1).sink(new DiscardingSink());
    expectInvalid(() => e.compile(), /Forward edge from 'Source: Sequence' \(parallelism 2\) to 'Narrow' \(parallelism 1\)/);
  });

  it('plans the same JobGraph twice from one environment', () => {
    const e = env();
    e.fromSequence(1, 10).keyBy((x: number) => x).reduce((a, b) => a + b).sink(new DiscardingSink());
    expect(e.compile().descriptor).toEqual(e.compile().descriptor);
  });
});
