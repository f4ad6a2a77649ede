import { describe, expect, expectTypeOf, it } from 'vitest';
import { DiscardingSink } from '../connectors/discarding-sink.js';
import { StreamExecutionEnvironment } from './environment.js';
import type { KeyedStream, SingleOutputStream } from './data-stream.js';
import { ConnectedStreams, KeyedConnectedStreams } from './connected-streams.js';
import { BroadcastStream, KeyedBroadcastConnectedStream } from './broadcast-stream.js';
import {
  BroadcastProcessFunction,
  KeyedBroadcastProcessFunction,
  KeyedCoProcessFunction,
  type BroadcastContext,
  type KeyedBroadcastContext,
  type KeyedReadOnlyBroadcastContext,
  type ReadOnlyBroadcastContext,
} from '../functions/co-functions.js';
import type { Collector } from '../functions/context.js';
import type { KeyedProcessContext } from '../functions/functions.js';
import { MapStateDescriptor, ValueStateDescriptor } from '../state/descriptors.js';
import { InvalidJobGraph } from '../errors.js';
import { OutputTag } from '../functions/output-tag.js';

interface Order {
  readonly user: string;
  readonly total: number;
}
interface Click {
  readonly user: string;
  readonly page: string;
}

class Enrich extends KeyedCoProcessFunction<string, Order, Click, string> {
  processElement1(order: Order, ctx: KeyedProcessContext<string>, out: Collector<string>): void {
    out.collect(`${ctx.getCurrentKey()}:${order.total}`);
  }
  processElement2(click: Click, _ctx: KeyedProcessContext<string>, out: Collector<string>): void {
    out.collect(click.page);
  }
}

const rules = new MapStateDescriptor<string, number>('rules');

class Rules extends KeyedBroadcastProcessFunction<string, Order, [string, number], string> {
  processElement(order: Order, ctx: KeyedReadOnlyBroadcastContext<string>, out: Collector<string>): void {
    if (order.total > (ctx.getBroadcastState(rules).get('min') ?? 0)) out.collect(order.user);
  }
  processBroadcastElement(rule: [string, number], ctx: KeyedBroadcastContext<string>): void {
    ctx.getBroadcastState(rules).put(rule[0], rule[1]);
    ctx.applyToKeyedState(new ValueStateDescriptor<number>('seen'), (user, state) => {
      expectTypeOf(user).toEqualTypeOf<string>();
      state.update((state.value() ?? 0) + 1);
    });
  }
}

describe('two-input streams', () => {
  const env = new StreamExecutionEnvironment({ jobName: 'two', parallelism: 2 });
  const orders = env.fromElements<Order>({ user: 'a', total: 1 });
  const clicks = env.fromElements<Click>({ user: 'a', page: '/' });

  it('carries both input types and the key type through', () => {
    expectTypeOf(orders.connect(clicks)).toEqualTypeOf<ConnectedStreams<Order, Click>>();
    const keyed = orders.keyBy((o) => o.user).connect(clicks.keyBy((c) => c.user));
    expectTypeOf(keyed).toEqualTypeOf<KeyedConnectedStreams<Order, Click, string>>();
    expectTypeOf(keyed.process(new Enrich())).toEqualTypeOf<SingleOutputStream<string>>();
    expectTypeOf(orders.connect(clicks).map({ map1: (o: Order) => o.total, map2: (c: Click) => c.page.length })).toEqualTypeOf<SingleOutputStream<number>>();
    const joined = orders
      .keyBy((o) => o.user)
      .intervalJoin(clicks.keyBy((c) => c.user))
      .between(-5, 5)
      .process((o, c, ctx, out: Collector<[number, string]>) => out.collect([o.total + ctx.timestamp(), c.page]));
    expectTypeOf(joined).toEqualTypeOf<SingleOutputStream<[number, string]>>();
    const broadcast = env.fromElements<[string, number]>(['min', 1]).broadcast(rules);
    expectTypeOf(broadcast).toEqualTypeOf<BroadcastStream<[string, number]>>();
    expectTypeOf(orders.keyBy((o) => o.user).connect(broadcast)).toEqualTypeOf<KeyedBroadcastConnectedStream<Order, [string, number], string>>();
    expectTypeOf(orders.keyBy((o) => o.user).union(orders.keyBy((o) => o.user))).toEqualTypeOf<KeyedStream<Order, string>>();
  });

  it('makes wrong signatures compile errors', () => {
    // @ts-expect-error map2 must take a Click
    orders.connect(clicks).map({ map1: (o: Order) => o.total, map2: (n: number) => n });
    // @ts-expect-error the keys of both inputs must be of one type
    orders.connect(clicks).keyBy((o) => o.user, (c) => c.page.length);
    // @ts-expect-error late left records are Orders, not Clicks
    orders.keyBy((o) => o.user).intervalJoin(clicks.keyBy((c) => c.user)).between(0, 1).sideOutputLeftLateData(new OutputTag<Click>('late'));
    // @ts-expect-error an interval join needs the other side keyed by the same key type
    orders.keyBy((o) => o.user).intervalJoin(clicks.keyBy((c) => c.page.length));
    // @ts-expect-error the broadcast side of a KeyedBroadcastProcessFunction must match the broadcast stream
    orders.keyBy((o) => o.user).connect(env.fromElements('x').broadcast(rules)).process(new Rules());
    // @ts-expect-error a KeyedCoProcessFunction needs keyed connected streams
    orders.connect(clicks).process(new Enrich());
    // @ts-expect-error a KeyedBroadcastProcessFunction needs a keyed stream
    orders.connect(env.fromElements<[string, number]>().broadcast(rules)).process(new Rules());
    class Plain extends BroadcastProcessFunction<Order, string, string> {
      processElement(_o: Order, ctx: ReadOnlyBroadcastContext): void {
        // @ts-expect-error the non-broadcast side reads broadcast state only
        ctx.getBroadcastState(rules).put('min', 1);
      }
      processBroadcastElement(_r: string, ctx: BroadcastContext): void {
        ctx.getBroadcastState(rules).put('min', 1);
      }
    }
    expect(Plain).toBeDefined();
  });

  it('plans a two-input operator as the head of its chain, each edge naming the input it feeds', () => {
    const e = new StreamExecutionEnvironment({ jobName: 'plan', parallelism: 2 });
    const a = e.fromSequence(1, 10);
    const b = e.fromSequence(1, 10).map((n: number) => String(n));
    a.connect(b)
      .map({ map1: (n: number) => n, map2: (s: string) => s.length })
      .map((n) => n + 1)
      .sink(new DiscardingSink());
    const graph = e.compile();
    expect(graph.vertices.map((v) => v.name)).toEqual(['Source: Sequence', 'Source: Sequence -> Map', 'CoMap -> Map -> Sink: Discard']);
    expect(graph.edges.map((edge) => [edge.sourceVertex, edge.targetVertex, edge.partitioner, edge.targetInput])).toEqual([
      [0, 2, 'forward', 1],
      [1, 2, 'forward', 2],
    ]);
  });

  it('partitions each input of keyed connected streams with its own key selector', () => {
    const e = new StreamExecutionEnvironment({ jobName: 'keys', parallelism: 2 });
    const byUser = (o: Order) => o.user;
    const byClickUser = (c: Click) => c.user;
    e.fromElements<Order>().keyBy(byUser).connect(e.fromElements<Click>().keyBy(byClickUser)).process(new Enrich()).sink(new DiscardingSink());
    const graph = e.compile();
    const [first, second] = graph.edges;
    expect([first!.partitioner, second!.partitioner]).toEqual(['hash', 'hash']);
    expect(graph.inputKeySelector(first!)).toBe(byUser);
    expect(graph.inputKeySelector(second!)).toBe(byClickUser);
  });

  it('refuses keyed two-input functions on streams that are not keyed, and broadcast() without MapStateDescriptors', () => {
    const e = new StreamExecutionEnvironment({ jobName: 'bad', parallelism: 2 });
    e.fromElements<Order>().connect(e.fromElements<Click>()).process(new Enrich() as never).sink(new DiscardingSink());
    expect(() => e.compile()).toThrow(InvalidJobGraph);
    expect(() => e.compile()).toThrow(/keyed operation on a stream that is not keyed/);
    const half = new StreamExecutionEnvironment({ jobName: 'half', parallelism: 2 });
    half.fromElements<Order>().keyBy((o) => o.user).connect(half.fromElements<Click>()).map({ map1: (o: Order) => o.user, map2: (c: Click) => c.page }).sink(new DiscardingSink());
    expect(() => half.compile()).toThrow(/reads a keyed stream on one input but is not keyed: key both inputs/);
    expect(() => orders.broadcast(new ValueStateDescriptor('x') as never)).toThrow(/broadcast\(\) takes MapStateDescriptors/);
    expect(() => orders.connect(clicks).map({ map1: (o: Order) => o } as never)).toThrow(/map1\(\) and map2\(\)/);
  });
});
