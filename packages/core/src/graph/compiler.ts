/**
 * StreamGraph → JobGraph. Resolves parallelism, uids and partitioners, validates the graph (every
 * failure names the operator), fuses chains and computes the fingerprint. Pure and deterministic: the
 * same graph always gives the same JobGraph.
 */
import { InvalidJobGraph } from '../errors.js';
import { UPPER_BOUND_MAX_PARALLELISM } from '../keys/key-groups.js';
import { fingerprintOf } from './fingerprint.js';
import {
  JobGraph,
  type JobEdgeDescriptor,
  type JobVertexDescriptor,
  type OperatorDescriptor,
} from './job-graph.js';
import { isTwoInputKind, type PartitionerKind, type StreamEdge, type StreamGraph, type StreamNode } from './stream-graph.js';
import type { CheckpointConfig } from '../config/checkpoint-config.js';
import type { RestartStrategyConfig } from '../config/restart-strategies.js';
import { DEFAULT_AUTO_WATERMARK_INTERVAL_MS } from '../api/execution-config.js';
import { windowSpecSignature, type WindowOperatorSpec } from '../windowing/window-spec.js';

export interface CompileOptions {
  readonly jobName: string;
  readonly defaultParallelism: number;
  readonly maxParallelism: number;
  readonly checkpointing?: CheckpointConfig | null;
  readonly restartStrategy?: RestartStrategyConfig | null;
  readonly autoWatermarkIntervalMs?: number;
}

interface ResolvedNode {
  readonly node: StreamNode;
  readonly uid: string;
  readonly parallelism: number;
}

export function compileJobGraph(graph: StreamGraph, options: CompileOptions): JobGraph {
  checkMaxParallelism(options.maxParallelism);
  if (graph.nodes.length === 0) {
    throw new InvalidJobGraph(`Job '${options.jobName}' defines no operators: start with env.fromSource(...) and end with .sink(...)`);
  }
  const order = topologicalOrder(graph);
  const resolved = resolveNodes(graph, order, options);
  validate(graph, resolved, options);

  const partitioners = new Map<StreamEdge, PartitionerKind>();
  for (const node of graph.nodes) {
    for (const edge of node.outputs) partitioners.set(edge, resolvePartitioner(edge, resolved));
  }

  // Chain heads in topological order; every other node joins the chain of its single input.
  const chainOf = new Map<number, number>();
  const chains: number[][] = [];
  for (const id of order) {
    const node = graph.node(id);
    const input = node.inputs.length === 1 ? node.inputs[0]! : undefined;
    if (input && isChainable(input, partitioners.get(input)!, resolved)) {
      const chain = chainOf.get(input.source)!;
      chainOf.set(id, chain);
      chains[chain]!.push(id);
    } else {
      chainOf.set(id, chains.length);
      chains.push([id]);
    }
  }

  const vertices: JobVertexDescriptor[] = chains.map((members, vertexId) => {
    const operators: OperatorDescriptor[] = members.map((id) => {
      const r = resolved.get(id)!;
      return {
        nodeId: id,
        uid: r.uid,
        name: r.node.name,
        kind: r.node.kind,
        keyed: r.node.keySelector !== undefined,
        chainedOutputs: r.node.outputs
          .filter((e) => chainOf.get(e.target) === vertexId)
          .map((e) => ({ target: e.target, sideOutput: e.sideOutput ?? null })),
      };
    });
    return {
      id: vertexId,
      name: operators.map((o) => o.name).join(' -> '),
      parallelism: resolved.get(members[0]!)!.parallelism,
      maxParallelism: options.maxParallelism,
      operators,
    };
  });

  const edges: JobEdgeDescriptor[] = [];
  for (const id of order) {
    for (const edge of graph.node(id).outputs) {
      const sourceVertex = chainOf.get(edge.source)!;
      const targetVertex = chainOf.get(edge.target)!;
      if (sourceVertex === targetVertex) continue;
      edges.push({
        id: edges.length,
        sourceVertex,
        sourceOperator: edge.source,
        sideOutput: edge.sideOutput ?? null,
        targetVertex,
        targetOperator: edge.target,
        partitioner: partitioners.get(edge)!,
        targetInput: edge.typeNumber,
      });
    }
  }

  const functionText = order.map((id) => `${resolved.get(id)!.uid}=${functionSignature(graph.node(id))}`).join('\n');
  const body = { name: options.jobName, maxParallelism: options.maxParallelism, vertices, edges };
  const fingerprint = fingerprintOf(JSON.stringify(body) + '\n' + functionText);
  const nodes = new Map(graph.nodes.map((n) => [n.id, n] as const));
  // Execution settings stay out of the fingerprint: they do not change what runs where.
  const execution = {
    checkpointing: options.checkpointing ?? null,
    restartStrategy: options.restartStrategy ?? null,
    autoWatermarkIntervalMs: options.autoWatermarkIntervalMs ?? DEFAULT_AUTO_WATERMARK_INTERVAL_MS,
  };
  return new JobGraph({ ...body, fingerprint, execution }, nodes);
}

function checkMaxParallelism(maxParallelism: number): void {
  if (!Number.isInteger(maxParallelism) || maxParallelism < 1 || maxParallelism > UPPER_BOUND_MAX_PARALLELISM) {
    throw new InvalidJobGraph(
      `maxParallelism ${maxParallelism} is out of range: use a whole number from 1 to ${UPPER_BOUND_MAX_PARALLELISM}`,
    );
  }
}

/** Kahn's algorithm, taking the lowest node id first so the order is stable. */
function topologicalOrder(graph: StreamGraph): number[] {
  const remaining = graph.nodes.map((n) => n.inputs.length);
  const ready = graph.nodes.filter((n) => n.inputs.length === 0).map((n) => n.id);
  const order: number[] = [];
  while (ready.length > 0) {
    ready.sort((a, b) => a - b);
    const id = ready.shift()!;
    order.push(id);
    for (const edge of graph.node(id).outputs) {
      if (--remaining[edge.target]! === 0) ready.push(edge.target);
    }
  }
  if (order.length !== graph.nodes.length) {
    const inCycle = graph.nodes.filter((n) => remaining[n.id]! > 0).map((n) => `'${n.name}'`);
    throw new InvalidJobGraph(
      `The job graph has a cycle through ${inCycle.join(', ')}: streams must flow from sources to sinks without loops`,
    );
  }
  return order;
}

function resolveNodes(graph: StreamGraph, order: number[], options: CompileOptions): Map<number, ResolvedNode> {
  const resolved = new Map<number, ResolvedNode>();
  const siblings = new Map<string, number>();
  for (const id of order) {
    const node = graph.node(id);
    let uid = node.uid;
    if (uid === undefined) {
      // Derived from the position in the graph (inputs, kind, rank among siblings), not from the
      // creation order, so adding an unrelated branch does not rename the others' state.
      const parents = node.inputs.map((e) => `${resolved.get(e.source)!.uid}${e.sideOutput ? '#' + e.sideOutput : ''}`);
      const position = `${parents.join(',')}>${node.kind}`;
      const rank = siblings.get(position) ?? 0;
      siblings.set(position, rank + 1);
      uid = `${node.kind}-${fingerprintOf(`${position}@${rank}`).slice(0, 8)}`;
    }
    const parallelism = node.parallelism ?? (isNonParallelSource(node) ? 1 : options.defaultParallelism);
    resolved.set(id, { node, uid, parallelism });
  }
  return resolved;
}

function isNonParallelSource(node: StreamNode): boolean {
  return node.kind === 'source' && (node.fn as { nonParallel?: boolean }).nonParallel === true;
}

function validate(graph: StreamGraph, resolved: Map<number, ResolvedNode>, options: CompileOptions): void {
  const uids = new Map<string, StreamNode>();
  for (const { node, uid, parallelism } of resolved.values()) {
    const label = `operator '${node.name}' (uid ${uid})`;
    const other = uids.get(uid);
    if (other) {
      throw new InvalidJobGraph(`Operators '${other.name}' and '${node.name}' share the uid '${uid}': give each operator its own uid`);
    }
    uids.set(uid, node);
    if (!Number.isInteger(parallelism) || parallelism < 1) {
      throw new InvalidJobGraph(`${label} has parallelism ${parallelism}: use a whole number of at least 1`);
    }
    if (parallelism > options.maxParallelism) {
      throw new InvalidJobGraph(
        `${label} has parallelism ${parallelism}, above the job's maxParallelism of ${options.maxParallelism}: ` +
          'lower the parallelism or raise env.setMaxParallelism()',
      );
    }
    if (isNonParallelSource(node) && parallelism !== 1) {
      throw new InvalidJobGraph(`${label} is a non-parallel source and cannot run with parallelism ${parallelism}: remove setParallelism()`);
    }
    if (node.requiresKeyedInput && node.keySelector === undefined) {
      throw new InvalidJobGraph(
        `${label} is a keyed operation on a stream that is not keyed: call keyBy(...) before it`,
      );
    }
    if (node.kind === 'source' && node.inputs.length > 0) {
      throw new InvalidJobGraph(`${label} is a source and cannot have inputs`);
    }
    if (node.kind !== 'source' && node.inputs.length === 0) {
      throw new InvalidJobGraph(`${label} has no input: connect it to a stream`);
    }
    if (node.kind === 'sink' && node.outputs.length > 0) {
      throw new InvalidJobGraph(`${label} is a sink and cannot feed other operators`);
    }
    if (node.kind !== 'sink' && node.outputs.length === 0) {
      throw new InvalidJobGraph(
        `The output of ${label} goes nowhere: the job has no sink for it — end the stream with .sink(...) or .print()`,
      );
    }
    for (const edge of node.inputs) {
      // The hash partitioner takes its key selector from the operator it feeds (which keys its state
      // with the same one); union() of a keyed stream yields an operator without one.
      const inputKey = edge.typeNumber === 2 ? node.keySelector2 : node.keySelector;
      if (edge.partitioner === 'hash' && inputKey === undefined && isTwoInputKind(node.kind)) {
        throw new InvalidJobGraph(
          `${label} reads a keyed stream on one input but is not keyed: key both inputs, ` +
            'with a.keyBy(ka).connect(b.keyBy(kb)) or a.connect(b).keyBy(ka, kb)',
        );
      }
      if (edge.partitioner === 'hash' && inputKey === undefined) {
        throw new InvalidJobGraph(
          `${label} reads a keyed stream but is not keyed itself (union() of a keyed stream drops the key): ` +
            'call keyBy(...) after union() instead of before it',
        );
      }
      if (edge.partitioner === 'forward' && resolved.get(edge.source)!.parallelism !== parallelism) {
        const from = resolved.get(edge.source)!;
        throw new InvalidJobGraph(
          `Forward edge from '${from.node.name}' (parallelism ${from.parallelism}) to '${node.name}' (parallelism ${parallelism}): ` +
            'forward needs equal parallelism — use rebalance() or make them equal',
        );
      }
    }
  }
  if (!graph.nodes.some((n) => n.kind === 'sink')) {
    throw new InvalidJobGraph(`Job '${options.jobName}' has no sink: end a stream with .sink(...) or .print()`);
  }
}

function resolvePartitioner(edge: StreamEdge, resolved: Map<number, ResolvedNode>): PartitionerKind {
  if (edge.partitioner !== undefined) return edge.partitioner;
  return resolved.get(edge.source)!.parallelism === resolved.get(edge.target)!.parallelism ? 'forward' : 'rebalance';
}

function isChainable(edge: StreamEdge, partitioner: PartitionerKind, resolved: Map<number, ResolvedNode>): boolean {
  const upstream = resolved.get(edge.source)!;
  const downstream = resolved.get(edge.target)!;
  return (
    partitioner === 'forward' &&
    upstream.parallelism === downstream.parallelism &&
    upstream.node.chaining !== 'never' &&
    downstream.node.chaining === 'always' &&
    downstream.node.kind !== 'source' &&
    !isTwoInputKind(downstream.node.kind)
  );
}

/** The code behind an operator, so a changed function changes the fingerprint. */
function functionSignature(node: StreamNode): string {
  const fn = node.fn;
  const key =
    (node.keySelector ? `key:${node.keySelector.toString()}` : '') +
    (node.keySelector2 ? `key2:${node.keySelector2.toString()}` : '') +
    (node.params !== undefined ? `params:${JSON.stringify(node.params)}` : '');
  if (node.kind === 'window') return windowSpecSignature(fn as WindowOperatorSpec) + key;
  if (typeof fn === 'function') return fn.toString() + key;
  if (fn && typeof fn === 'object') {
    const ctor = (fn as object).constructor;
    const methods = Object.entries(fn)
      .filter(([, v]) => typeof v === 'function')
      .map(([k, v]) => `${k}:${String(v)}`);
    return `${ctor?.name ?? 'Object'}:${ctor === Object ? '' : String(ctor)}:${methods.join(';')}${key}`;
  }
  return String(fn) + key;
}
