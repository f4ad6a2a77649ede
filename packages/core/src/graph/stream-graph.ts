/**
 * The StreamGraph: one node per operator as the user wrote it, one edge per connection. The DataStream
 * API builds it; the compiler turns it into a JobGraph. Nodes keep the user's function objects, so a
 * StreamGraph lives only in the process that planned it.
 */
import type { KeySelector } from '../functions/functions.js';
import type { WatermarkStrategy } from '../time/watermark-strategy.js';

export type OperatorKind =
  | 'source'
  | 'map'
  | 'flatMap'
  | 'filter'
  | 'process'
  | 'keyedProcess'
  | 'reduce'
  | 'timestamps'
  | 'window'
  | 'sink'
  // Two inputs (connect, joins): always the head of their chain.
  | 'coMap'
  | 'coFlatMap'
  | 'coProcess'
  | 'intervalJoin'
  | 'broadcastProcess';

const TWO_INPUT_KINDS: ReadonlySet<OperatorKind> = new Set(['coMap', 'coFlatMap', 'coProcess', 'intervalJoin', 'broadcastProcess']);

/** Operators that read two inputs, told apart by each edge's typeNumber. */
export function isTwoInputKind(kind: OperatorKind): boolean {
  return TWO_INPUT_KINDS.has(kind);
}

/** How records of an edge are spread over the target's subtasks. */
export type PartitionerKind = 'forward' | 'rebalance' | 'hash' | 'broadcast';

/** `always`: chain with neighbours when possible; `head`: start a new chain; `never`: run alone. */
export type ChainingStrategy = 'always' | 'head' | 'never';

export interface StreamNode {
  readonly id: number;
  readonly kind: OperatorKind;
  name: string;
  /** The uid given with `.uid()`; the compiler derives one for nodes without. */
  uid: string | undefined;
  /** The parallelism given with `.setParallelism()`; the environment's default otherwise. */
  parallelism: number | undefined;
  chaining: ChainingStrategy;
  /** The user function, or the Source or Sink object. */
  readonly fn: unknown;
  /** Set for operators that run after keyBy: the key their state is scoped to. */
  readonly keySelector: KeySelector<any, any> | undefined;
  /** Two-input operators: the key of the second input's records (the first input's is `keySelector`). */
  readonly keySelector2: KeySelector<any, any> | undefined;
  /** Settings of the operator beside its function (interval bounds, broadcast state descriptors); plain data. */
  readonly params: unknown;
  /** True when the operator needs keyed input (KeyedProcessFunction, reduce). */
  readonly requiresKeyedInput: boolean;
  /** Sources given a WatermarkStrategy: their splits' event time. */
  readonly watermarkStrategy: WatermarkStrategy<any> | undefined;
  readonly inputs: StreamEdge[];
  readonly outputs: StreamEdge[];
  /** Runs in one subtask whatever the default parallelism (windowAll). */
  nonParallel?: boolean;
}

export interface StreamEdge {
  readonly source: number;
  readonly target: number;
  /** Undefined means the default: forward between equal parallelisms, rebalance otherwise. */
  readonly partitioner: PartitionerKind | undefined;
  /** The side output this edge reads, when it reads one. */
  readonly sideOutput: string | undefined;
  /** Which input of a two-input target this edge feeds (1 or 2, Flink's typeNumber); 0 for one-input targets. */
  readonly typeNumber: number;
}

export interface NewNode {
  kind: OperatorKind;
  name: string;
  fn: unknown;
  keySelector?: KeySelector<any, any>;
  keySelector2?: KeySelector<any, any>;
  params?: unknown;
  requiresKeyedInput?: boolean;
  parallelism?: number;
  watermarkStrategy?: WatermarkStrategy<any>;
}

export class StreamGraph {
  readonly nodes: StreamNode[] = [];

  addNode(spec: NewNode): StreamNode {
    const node: StreamNode = {
      id: this.nodes.length,
      kind: spec.kind,
      name: spec.name,
      uid: undefined,
      parallelism: spec.parallelism,
      chaining: 'always',
      fn: spec.fn,
      keySelector: spec.keySelector,
      keySelector2: spec.keySelector2,
      params: spec.params,
      requiresKeyedInput: spec.requiresKeyedInput ?? false,
      watermarkStrategy: spec.watermarkStrategy,
      inputs: [],
      outputs: [],
    };
    this.nodes.push(node);
    return node;
  }

  addEdge(source: number, target: number, partitioner?: PartitionerKind, sideOutput?: string, typeNumber = 0): StreamEdge {
    const edge: StreamEdge = { source, target, partitioner, sideOutput, typeNumber };
    this.node(source).outputs.push(edge);
    this.node(target).inputs.push(edge);
    return edge;
  }

  node(id: number): StreamNode {
    const node = this.nodes[id];
    if (!node) throw new RangeError(`No stream node ${id}`);
    return node;
  }
}
