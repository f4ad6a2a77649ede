/**
 * ConnectedStreams: two streams, possibly of different types, read by one operator (Flink's
 * connect). Each input keeps its own partitioning; keyed connected streams partition both inputs by
 * their key so that records with equal keys meet in one subtask and share its keyed state.
 */
import type {
  CoFlatMapFunction,
  CoMapFunction,
  CoProcessFn,
  KeyedCoProcessFn,
} from '../functions/co-functions.js';
import type { KeySelector } from '../functions/functions.js';
import type { OperatorKind, StreamGraph } from '../graph/stream-graph.js';
import { SingleOutputStream, type StreamInput } from './data-stream.js';

export class ConnectedStreams<IN1, IN2> {
  declare readonly __types?: [IN1, IN2];

  /** @internal */
  constructor(
    protected readonly graph: StreamGraph,
    protected readonly inputs1: readonly StreamInput[],
    protected readonly inputs2: readonly StreamInput[],
  ) {}

  /** Partitions both inputs by key (the two keys must be of one type): the operator then has keyed state. */
  keyBy<K>(key1: KeySelector<IN1, K>, key2: KeySelector<IN2, K>): KeyedConnectedStreams<IN1, IN2, K> {
    if (typeof key1 !== 'function' || typeof key2 !== 'function') {
      throw new TypeError('keyBy() on connected streams takes two functions: the key of a first-input record and the key of a second-input record');
    }
    const hash = (inputs: readonly StreamInput[]) => inputs.map((i) => ({ ...i, partitioner: 'hash' as const }));
    return new KeyedConnectedStreams(this.graph, hash(this.inputs1), hash(this.inputs2), key1, key2);
  }

  map<R>(fn: CoMapFunction<IN1, IN2, R>): SingleOutputStream<R> {
    return this.transform('coMap', 'CoMap', requireMethods(fn, 'map1', 'map2'));
  }

  flatMap<R>(fn: CoFlatMapFunction<IN1, IN2, R>): SingleOutputStream<R> {
    return this.transform('coFlatMap', 'CoFlatMap', requireMethods(fn, 'flatMap1', 'flatMap2'));
  }

  process<R>(fn: CoProcessFn<IN1, IN2, R>): SingleOutputStream<R> {
    const keyed = isMarkedKeyed(fn);
    return this.transform('coProcess', keyed ? 'KeyedCoProcess' : 'CoProcess', requireMethods(fn, 'processElement1', 'processElement2'), keyed);
  }

  protected transform<R>(kind: OperatorKind, name: string, fn: unknown, requiresKeyedInput = false): SingleOutputStream<R> {
    return addTwoInputNode<R>(this.graph, { kind, name, fn, requiresKeyedInput, ...this.keys() }, this.inputs1, this.inputs2);
  }

  protected keys(): { keySelector?: KeySelector<any, any>; keySelector2?: KeySelector<any, any> } {
    return {};
  }
}

/** Connected streams keyed alike: KeyedCoProcessFunction with shared keyed state and timers. */
export class KeyedConnectedStreams<IN1, IN2, K> extends ConnectedStreams<IN1, IN2> {
  /** @internal */
  constructor(
    graph: StreamGraph,
    inputs1: readonly StreamInput[],
    inputs2: readonly StreamInput[],
    private readonly key1: KeySelector<IN1, K>,
    private readonly key2: KeySelector<IN2, K>,
  ) {
    super(graph, inputs1, inputs2);
  }

  override process<R>(fn: KeyedCoProcessFn<K, IN1, IN2, R> | CoProcessFn<IN1, IN2, R>): SingleOutputStream<R> {
    return this.transform('coProcess', 'KeyedCoProcess', requireMethods(fn, 'processElement1', 'processElement2'), true);
  }

  protected override keys(): { keySelector: KeySelector<any, any>; keySelector2: KeySelector<any, any> } {
    return { keySelector: this.key1, keySelector2: this.key2 };
  }
}

/** @internal Adds a two-input operator, its first input's edges typed 1 and its second's 2. */
export function addTwoInputNode<R>(
  graph: StreamGraph,
  spec: Parameters<StreamGraph['addNode']>[0],
  inputs1: readonly StreamInput[],
  inputs2: readonly StreamInput[],
): SingleOutputStream<R> {
  const node = graph.addNode(spec);
  for (const input of inputs1) graph.addEdge(input.nodeId, node.id, input.partitioner, input.sideOutput, 1);
  for (const input of inputs2) graph.addEdge(input.nodeId, node.id, input.partitioner, input.sideOutput, 2);
  return new SingleOutputStream<R>(graph, node);
}

/** @internal */
export function requireMethods(fn: unknown, ...methods: string[]): unknown {
  if (fn && typeof fn === 'object' && methods.every((m) => typeof (fn as Record<string, unknown>)[m] === 'function')) return fn;
  const has = fn && typeof fn === 'object' ? Object.keys(fn).join(', ') || 'no own keys' : typeof fn;
  throw new TypeError(`Expected an object with ${methods.map((m) => `${m}()`).join(' and ')} methods, got ${fn === null ? 'null' : has}`);
}

/** @internal True for instances of a class marked `static requiresKeyedInput = true`. */
export function isMarkedKeyed(fn: unknown): boolean {
  return !!fn && typeof fn === 'object' && (fn.constructor as { requiresKeyedInput?: boolean }).requiresKeyedInput === true;
}
