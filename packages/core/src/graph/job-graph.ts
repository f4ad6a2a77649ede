/**
 * The JobGraph: what gets scheduled. A vertex is an operator chain (operators fused by forward edges at
 * equal parallelism, called one after another in one task); a job edge connects an operator of one
 * chain to the head of another through a partitioner. The descriptor is plain JSON and crosses
 * processes; the StreamNodes with the user's functions stay local and are rebuilt by re-planning the
 * job module, which the fingerprint checks.
 */
import { InvalidJobGraph } from '../errors.js';
import type { OperatorKind, PartitionerKind, StreamNode } from './stream-graph.js';
import type { KeySelector } from '../functions/functions.js';
import type { CheckpointConfig } from '../config/checkpoint-config.js';
import type { RestartStrategyConfig } from '../config/restart-strategies.js';

export interface OperatorDescriptor {
  readonly nodeId: number;
  readonly uid: string;
  readonly name: string;
  readonly kind: OperatorKind;
  readonly keyed: boolean;
  /** Operators of the same chain this one feeds, by node id, with the side output they read. */
  readonly chainedOutputs: readonly { readonly target: number; readonly sideOutput: string | null }[];
}

export interface JobVertexDescriptor {
  readonly id: number;
  readonly name: string;
  readonly parallelism: number;
  readonly maxParallelism: number;
  /** In chain order: the head first, every operator after the ones that feed it. */
  readonly operators: readonly OperatorDescriptor[];
}

export interface JobEdgeDescriptor {
  readonly id: number;
  readonly sourceVertex: number;
  /** The operator of the source chain that emits into this edge. */
  readonly sourceOperator: number;
  readonly sideOutput: string | null;
  readonly targetVertex: number;
  /** Always the head of the target chain. */
  readonly targetOperator: number;
  readonly partitioner: PartitionerKind;
  /** The input of a two-input target chain this edge feeds (1 or 2); 0 when the target has one input. */
  readonly targetInput: number;
}

export interface JobGraphDescriptor {
  readonly name: string;
  readonly maxParallelism: number;
  readonly fingerprint: string;
  /** In topological order. */
  readonly vertices: readonly JobVertexDescriptor[];
  readonly edges: readonly JobEdgeDescriptor[];
  /** How the job runs: checkpoints (null: off) and the restart strategy (null: the cluster's default). */
  readonly execution: JobExecutionConfig;
}

export interface JobExecutionConfig {
  readonly checkpointing: CheckpointConfig | null;
  readonly restartStrategy: RestartStrategyConfig | null;
  /** See ExecutionConfig.setAutoWatermarkInterval; absent in jobs planned before event time existed. */
  readonly autoWatermarkIntervalMs?: number;
}

export class JobGraph {
  constructor(
    readonly descriptor: JobGraphDescriptor,
    private readonly nodes: ReadonlyMap<number, StreamNode>,
  ) {}

  get name(): string {
    return this.descriptor.name;
  }

  get fingerprint(): string {
    return this.descriptor.fingerprint;
  }

  get vertices(): readonly JobVertexDescriptor[] {
    return this.descriptor.vertices;
  }

  get edges(): readonly JobEdgeDescriptor[] {
    return this.descriptor.edges;
  }

  vertex(id: number): JobVertexDescriptor {
    const vertex = this.descriptor.vertices[id];
    if (!vertex) throw new RangeError(`No job vertex ${id}`);
    return vertex;
  }

  inputsOf(vertexId: number): JobEdgeDescriptor[] {
    return this.descriptor.edges.filter((e) => e.targetVertex === vertexId);
  }

  outputsOf(vertexId: number): JobEdgeDescriptor[] {
    return this.descriptor.edges.filter((e) => e.sourceVertex === vertexId);
  }

  /** The key selector that partitions an edge: the target's, for the input the edge feeds. */
  inputKeySelector(edge: JobEdgeDescriptor): KeySelector<any, any> | undefined {
    const target = this.node(edge.targetOperator);
    return edge.targetInput === 2 ? target.keySelector2 : target.keySelector;
  }

  /** The stream node behind an operator: its user function and key selector. */
  node(nodeId: number): StreamNode {
    const node = this.nodes.get(nodeId);
    if (!node) throw new RangeError(`No stream node ${nodeId} in job ${this.name}`);
    return node;
  }

  /** Fails when `expected`, the fingerprint submitted, is not the one this process planned. */
  checkFingerprint(expected: string): void {
    if (expected !== this.fingerprint) {
      throw new InvalidJobGraph(
        `Job '${this.name}' planned to fingerprint ${this.fingerprint}, but ${expected} was submitted: ` +
          'the job module or its arguments differ from what was submitted — resubmit the job.',
      );
    }
  }
}
