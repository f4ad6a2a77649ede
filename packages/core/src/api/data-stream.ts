/**
 * DataStream: the chainable user API. Every call adds a node to the environment's StreamGraph and
 * returns a new stream; nothing runs until the job is submitted.
 */
import { PrintSink } from '../connectors/print-sink.js';
import type { Sink } from '../connectors/sink.js';
import type {
  FilterFn,
  FlatMapFn,
  KeySelector,
  KeyedProcessFn,
  KeyedProcessFunction,
  MapFn,
  ProcessFn,
} from '../functions/functions.js';
import type { OutputTag } from '../functions/output-tag.js';
import { WatermarkStrategy } from '../time/watermark-strategy.js';
import type { OperatorKind, PartitionerKind, StreamGraph, StreamNode } from '../graph/stream-graph.js';
import { CountEvictor } from '../windowing/evictors.js';
import { GlobalWindows, type WindowAssigner } from '../windowing/assigners.js';
import { CoGroupedStreams, JoinedStreams } from '../windowing/joins.js';
import { CountTrigger, PurgingTrigger } from '../windowing/triggers.js';
import type { WindowOperatorSpec } from '../windowing/window-spec.js';
import { AllWindowedStream, WindowedStream, type WindowOperatorHost } from '../windowing/windowed-stream.js';
import type { GlobalWindow, Window } from '../windowing/windows.js';
import type { MapStateDescriptor } from '../state/descriptors.js';
import { ConnectedStreams, KeyedConnectedStreams } from './connected-streams.js';
import { BroadcastConnectedStream, BroadcastStream, KeyedBroadcastConnectedStream, checkBroadcastDescriptors } from './broadcast-stream.js';
import { IntervalJoin } from './interval-join.js';

/** One upstream of a stream: a node's output, how it is partitioned, and which side output. */
export interface StreamInput {
  readonly nodeId: number;
  readonly partitioner: PartitionerKind | undefined;
  readonly sideOutput: string | undefined;
}

export class DataStream<T> {
  declare readonly __type?: T;

  /** @internal */
  constructor(
    /** @internal */ readonly graph: StreamGraph,
    /** @internal */ readonly inputs: readonly StreamInput[],
  ) {}

  map<R>(fn: MapFn<T, R>): SingleOutputStream<R> {
    return this.transform('map', 'Map', requireMethod(fn, 'map'));
  }

  /** `flatMap(line => line.split(' '))` or `flatMap((value, out) => out.collect(...))`. */
  flatMap<R>(fn: FlatMapFn<T, R>): SingleOutputStream<R> {
    return this.transform('flatMap', 'FlatMap', requireMethod(fn, 'flatMap'));
  }

  filter(fn: FilterFn<T>): SingleOutputStream<T> {
    return this.transform('filter', 'Filter', requireMethod(fn, 'filter'));
  }

  /** Runs a ProcessFunction; its side outputs are read with `getSideOutput(tag)` on the result. */
  process<R>(fn: ProcessFn<T, R> | KeyedProcessFunction<any, T, R>): SingleOutputStream<R> {
    const requiresKeyedInput = isKeyedProcessFunction(fn);
    return this.transform(
      requiresKeyedInput ? 'keyedProcess' : 'process',
      requiresKeyedInput ? 'KeyedProcess' : 'Process',
      requireMethod(fn, 'processElement'),
      requiresKeyedInput,
    );
  }

  /**
   * Gives records event time and generates watermarks here, one generator per subtask (Flink's
   * assignTimestampsAndWatermarks). Prefer `env.fromSource(source, strategy)`, which tracks each
   * split on its own; this replaces the watermarks that come from upstream.
   */
  assignTimestampsAndWatermarks(strategy: WatermarkStrategy<T>): SingleOutputStream<T> {
    if (!(strategy instanceof WatermarkStrategy)) {
      throw new TypeError('assignTimestampsAndWatermarks() takes a WatermarkStrategy, such as WatermarkStrategy.forBoundedOutOfOrderness(5000)');
    }
    return this.transform('timestamps', 'Timestamps/Watermarks', strategy);
  }

  /** Merges streams of the same type; records keep their order within each input. */
  union(...others: DataStream<T>[]): DataStream<T> {
    for (const other of others) sameGraph(this.graph, other.graph, 'union');
    return new DataStream<T>(this.graph, [...this.inputs, ...others.flatMap((o) => o.inputs)]);
  }

  /**
   * Windows over the whole stream, in one subtask (parallelism 1, as Flink's windowAll): prefer
   * keyBy(...).window(...) when records have a key.
   */
  windowAll<W extends Window>(assigner: WindowAssigner<T, W>): AllWindowedStream<T, W> {
    return new AllWindowedStream<T, W>(this.keyBy(allWindowsKey) as unknown as WindowOperatorHost, assigner);
  }

  /** Every `size` records of the stream, in one subtask; with `slide`, the last `size` records every `slide`. */
  countWindowAll(size: number, slide?: number): AllWindowedStream<T, GlobalWindow> {
    return countWindows(this.windowAll(GlobalWindows.create()), size, slide);
  }

  /** Window join: `a.join(b).where(ka).equalTo(kb).window(assigner).apply((x, y) => ...)`. */
  join<B>(other: DataStream<B>): JoinedStreams<T, B> {
    if (other.graph !== this.graph) throw new TypeError('join(): the streams belong to different environments');
    return new JoinedStreams<T, B>(this, other);
  }

  /** Window co-group: like join, with both sides' records of a key and window in one call. */
  coGroup<B>(other: DataStream<B>): CoGroupedStreams<T, B> {
    if (other.graph !== this.graph) throw new TypeError('coGroup(): the streams belong to different environments');
    return new CoGroupedStreams<T, B>(this, other);
  }

  /** Spreads records round-robin over the next operator's subtasks. */
  rebalance(): DataStream<T> {
    return this.partitionBy('rebalance');
  }

  /**
   * Sends every record to every subtask of the next operator. With MapStateDescriptors, gives a
   * BroadcastStream for the broadcast state pattern: `events.connect(rules.broadcast(descriptor))`.
   */
  broadcast(): DataStream<T>;
  broadcast(...descriptors: [MapStateDescriptor<any, any>, ...MapStateDescriptor<any, any>[]]): BroadcastStream<T>;
  broadcast(...descriptors: MapStateDescriptor<any, any>[]): DataStream<T> | BroadcastStream<T> {
    if (descriptors.length === 0) return this.partitionBy('broadcast');
    checkBroadcastDescriptors(descriptors);
    return new BroadcastStream<T>(this.graph, this.inputs.map((i) => ({ ...i, partitioner: 'broadcast' as const })), descriptors);
  }

  /**
   * Connects two streams, of any types, for one operator to read (`connect(b).map({ map1, map2 })`);
   * with a BroadcastStream, for the broadcast state pattern.
   */
  connect<U>(other: BroadcastStream<U>): BroadcastConnectedStream<T, U>;
  connect<U>(other: DataStream<U>): ConnectedStreams<T, U>;
  connect<U>(other: DataStream<U> | BroadcastStream<U>): ConnectedStreams<T, U> | BroadcastConnectedStream<T, U> {
    if (other instanceof BroadcastStream) {
      sameGraph(this.graph, other.graph, 'connect');
      return new BroadcastConnectedStream<T, U>(this.graph, this.inputs, other, undefined);
    }
    if (!(other instanceof DataStream)) throw new TypeError('connect() takes a DataStream or a BroadcastStream');
    sameGraph(this.graph, other.graph, 'connect');
    return new ConnectedStreams<T, U>(this.graph, this.inputs, other.inputs);
  }

  /** Keeps records in the same subtask; needs equal parallelism on both sides. */
  forward(): DataStream<T> {
    return this.partitionBy('forward');
  }

  /**
   * Partitions by key: records with equal keys go to the same subtask, where the next operators have
   * keyed state. Keys are compared by value and must be deterministic: strings, numbers, booleans,
   * bigints, Dates, or arrays and plain objects of those (field order does not matter). `0` and `-0`
   * are one key. `null`, `undefined` and `NaN` are refused, as are `undefined` and `NaN` inside a key
   * (`null` inside one is fine), functions and symbols: the record fails the job with `InvalidKey`,
   * naming the keyed operator.
   */
  keyBy<K>(selector: KeySelector<T, K>): KeyedStream<T, K> {
    if (typeof selector !== 'function') throw new TypeError('keyBy() takes a function from a record to its key');
    return new KeyedStream<T, K>(
      this.graph,
      this.inputs.map((i) => ({ ...i, partitioner: 'hash' as const })),
      selector,
    );
  }

  sink(sink: Sink<T, any>): DataStreamSink<T> {
    if (!sink || typeof sink.createWriter !== 'function') {
      throw new TypeError('sink() takes a Sink: an object with createWriter(ctx), such as new FileSink({ path })');
    }
    const node = this.addNode('sink', `Sink: ${sink.name}`, sink, false);
    return new DataStreamSink<T>(node);
  }

  /** Prints every record to standard output, as Flink's print(). */
  print(prefix?: string): DataStreamSink<T> {
    return this.sink(new PrintSink<T>(prefix));
  }

  protected keySelector(): KeySelector<any, any> | undefined {
    return undefined;
  }

  protected transform<R>(kind: OperatorKind, name: string, fn: unknown, requiresKeyedInput = false): SingleOutputStream<R> {
    const node = this.addNode(kind, name, fn, requiresKeyedInput);
    return new SingleOutputStream<R>(this.graph, node);
  }

  private addNode(kind: OperatorKind, name: string, fn: unknown, requiresKeyedInput: boolean): StreamNode {
    const node = this.graph.addNode({ kind, name, fn, keySelector: this.keySelector(), requiresKeyedInput });
    for (const input of this.inputs) this.graph.addEdge(input.nodeId, node.id, input.partitioner, input.sideOutput);
    return node;
  }

  private partitionBy(partitioner: PartitionerKind): DataStream<T> {
    return new DataStream<T>(this.graph, this.inputs.map((i) => ({ ...i, partitioner })));
  }
}

/** The stream of one operator: the place to name it, give it a uid, set its parallelism. */
export class SingleOutputStream<T> extends DataStream<T> {
  /** @internal */
  constructor(
    graph: StreamGraph,
    private readonly node: StreamNode,
  ) {
    super(graph, [{ nodeId: node.id, partitioner: undefined, sideOutput: undefined }]);
  }

  name(name: string): this {
    this.node.name = name;
    return this;
  }

  /** A stable id that snapshots are matched on; set it on every stateful operator. */
  uid(uid: string): this {
    if (!uid) throw new TypeError('uid() needs a non-empty string');
    this.node.uid = uid;
    return this;
  }

  setParallelism(parallelism: number): this {
    if (this.node.nonParallel === true && parallelism !== 1) {
      throw new TypeError(`'${this.node.name}' runs in one subtask (windowAll): it cannot have parallelism ${parallelism} — use keyBy(...).window(...) to window in parallel`);
    }
    this.node.parallelism = parallelism;
    return this;
  }

  /** Runs this operator in a task of its own, never fused with its neighbours. */
  disableChaining(): this {
    this.node.chaining = 'never';
    return this;
  }

  /** Starts a new chain at this operator; the ones after it may still chain to it. */
  startNewChain(): this {
    this.node.chaining = 'head';
    return this;
  }

  getSideOutput<X>(tag: OutputTag<X>): DataStream<X> {
    return new DataStream<X>(this.graph, [{ nodeId: this.node.id, partitioner: undefined, sideOutput: tag.id }]);
  }
}

/** A stream partitioned by key: operators after it have keyed state. */
export class KeyedStream<T, K> extends DataStream<T> {
  /** @internal */
  constructor(
    graph: StreamGraph,
    inputs: readonly StreamInput[],
    /** @internal */ readonly selector: KeySelector<T, K>,
  ) {
    super(graph, inputs);
  }

  /** Emits, for every record, the running reduction of all records so far with the same key. */
  reduce(fn: ((accumulated: T, value: T) => T) | { reduce(accumulated: T, value: T): T }): SingleOutputStream<T> {
    return this.transform('reduce', 'Reduce', requireMethod(fn, 'reduce'), true);
  }

  override process<R>(fn: KeyedProcessFn<K, T, R> | KeyedProcessFunction<K, T, R>): SingleOutputStream<R> {
    return this.transform('keyedProcess', 'KeyedProcess', requireMethod(fn, 'processElement'), true);
  }

  /** Groups each key's records into windows: `window(TumblingEventTimeWindows.of(minutes(1)))`. */
  window<W extends Window>(assigner: WindowAssigner<T, W>): WindowedStream<T, K, W> {
    return new WindowedStream<T, K, W>(this, assigner);
  }

  /** Every `size` records of a key; with `slide`, the key's last `size` records every `slide` records. */
  countWindow(size: number, slide?: number): WindowedStream<T, K, GlobalWindow> {
    return countWindows(this.window(GlobalWindows.create()), size, slide);
  }

  /** @internal The window operator of window(...) and windowAll(...). */
  addWindowOperator<R>(name: string, spec: WindowOperatorSpec, nonParallel: boolean): SingleOutputStream<R> {
    const stream = this.transform<R>('window', name, spec, true);
    if (nonParallel) {
      const node = this.graph.nodes[this.graph.nodes.length - 1]!;
      node.parallelism = 1;
      node.nonParallel = true;
    }
    return stream;
  }

  /**
   * Keyed streams merged stay keyed, by this stream's key selector (records of the others are
   * partitioned and their state scoped by it too, so give them the same key).
   */
  override union(...others: KeyedStream<T, K>[]): KeyedStream<T, K>;
  override union(...others: DataStream<T>[]): DataStream<T>;
  override union(...others: DataStream<T>[]): DataStream<T> {
    if (!others.every((o) => o instanceof KeyedStream)) return super.union(...others);
    for (const other of others) sameGraph(this.graph, other.graph, 'union');
    return new KeyedStream<T, K>(this.graph, [...this.inputs, ...others.flatMap((o) => o.inputs)], this.selector);
  }

  /**
   * Connects with a stream keyed alike (`KeyedCoProcessFunction`, shared keyed state and timers), with
   * a BroadcastStream (`KeyedBroadcastProcessFunction`), or with any stream.
   */
  override connect<U>(other: BroadcastStream<U>): KeyedBroadcastConnectedStream<T, U, K>;
  override connect<U>(other: KeyedStream<U, K>): KeyedConnectedStreams<T, U, K>;
  override connect<U>(other: DataStream<U>): ConnectedStreams<T, U>;
  override connect<U>(other: DataStream<U> | BroadcastStream<U>): ConnectedStreams<T, U> | BroadcastConnectedStream<T, U> {
    if (other instanceof BroadcastStream) {
      sameGraph(this.graph, other.graph, 'connect');
      return new KeyedBroadcastConnectedStream<T, U, K>(this.graph, this.inputs, other, this.selector);
    }
    if (other instanceof KeyedStream) {
      sameGraph(this.graph, other.graph, 'connect');
      return new KeyedConnectedStreams<T, U, K>(this.graph, this.inputs, other.inputs, this.selector, (other as KeyedStream<U, K>).selector);
    }
    return super.connect(other as DataStream<U>);
  }

  /** Joins with another keyed stream on the key, over an event-time interval: `.between(lowerMs, upperMs).process(fn)`. */
  intervalJoin<U>(other: KeyedStream<U, K>): IntervalJoin<T, U, K> {
    if (!(other instanceof KeyedStream)) throw new TypeError('intervalJoin() takes a keyed stream: call keyBy(...) on both sides');
    sameGraph(this.graph, other.graph, 'intervalJoin');
    return new IntervalJoin<T, U, K>(this.graph, { inputs: this.inputs, selector: this.selector }, { inputs: other.inputs, selector: other.selector });
  }

  protected override keySelector(): KeySelector<any, any> {
    return this.selector;
  }
}

/** The end of a stream: a sink, with its name, uid and parallelism. */
export class DataStreamSink<T> {
  declare readonly __type?: T;

  /** @internal */
  constructor(private readonly node: StreamNode) {}

  name(name: string): this {
    this.node.name = name;
    return this;
  }

  uid(uid: string): this {
    if (!uid) throw new TypeError('uid() needs a non-empty string');
    this.node.uid = uid;
    return this;
  }

  setParallelism(parallelism: number): this {
    this.node.parallelism = parallelism;
    return this;
  }

  disableChaining(): this {
    this.node.chaining = 'never';
    return this;
  }
}

/** windowAll() keys every record the same: one key, one subtask. */
function allWindowsKey(): number {
  return 0;
}

/** Flink's countWindow: a purging count trigger, or with a slide a count evictor and a count trigger. */
function countWindows<S extends { trigger(t: never): S; evictor(e: never): S }>(stream: S, size: number, slide: number | undefined): S {
  if (slide === undefined) return stream.trigger(PurgingTrigger.of(CountTrigger.of(size)) as never);
  return stream.evictor(CountEvictor.of(size) as never).trigger(CountTrigger.of(slide) as never);
}

function sameGraph(a: StreamGraph, b: StreamGraph, call: string): void {
  if (a !== b) throw new TypeError(`${call}(): the streams belong to different environments`);
}

function requireMethod(fn: unknown, method: string): unknown {
  if (typeof fn === 'function') return fn;
  if (fn && typeof fn === 'object' && typeof (fn as Record<string, unknown>)[method] === 'function') return fn;
  throw new TypeError(`Expected a function or an object with a ${method}() method, got ${describe(fn)}`);
}

function isKeyedProcessFunction(fn: unknown): boolean {
  return !!fn && typeof fn === 'object' && (fn.constructor as { requiresKeyedInput?: boolean }).requiresKeyedInput === true;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (typeof value === 'object') return `an object without that method (${Object.keys(value as object).join(', ') || 'no keys'})`;
  return typeof value;
}
