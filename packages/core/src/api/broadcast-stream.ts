/**
 * The broadcast state pattern: `rules.broadcast(descriptor)` sends every rule to every subtask of the
 * operator it is connected to, where it lands in broadcast state (a map per descriptor, equal on every
 * subtask, checkpointed with the operator and copied to every subtask on restore).
 */
import type { BroadcastProcessFn, KeyedBroadcastProcessFn } from '../functions/co-functions.js';
import type { KeySelector } from '../functions/functions.js';
import type { MapStateDescriptor } from '../state/descriptors.js';
import type { StreamGraph } from '../graph/stream-graph.js';
import { addTwoInputNode, requireMethods } from './connected-streams.js';
import type { SingleOutputStream, StreamInput } from './data-stream.js';

/** What the operator needs to know of its broadcast state: the descriptors' names, in order. */
export interface BroadcastParams {
  readonly broadcastStateNames: readonly string[];
}

export class BroadcastStream<T> {
  declare readonly __type?: T;

  /** @internal */
  constructor(
    /** @internal */ readonly graph: StreamGraph,
    /** @internal */ readonly inputs: readonly StreamInput[],
    /** @internal */ readonly descriptors: readonly MapStateDescriptor<any, any>[],
  ) {}
}

/** A stream connected with a broadcast stream; `process` gives the operator that reads both. */
export class BroadcastConnectedStream<IN1, IN2> {
  /** @internal */
  constructor(
    private readonly graph: StreamGraph,
    private readonly inputs1: readonly StreamInput[],
    private readonly broadcast: BroadcastStream<IN2>,
    private readonly key: KeySelector<IN1, unknown> | undefined,
  ) {}

  /** Rules applied to a stream that is not keyed: a BroadcastProcessFunction. */
  process<R>(fn: BroadcastProcessFn<IN1, IN2, R>): SingleOutputStream<R> {
    const keyed = this.key !== undefined;
    const params: BroadcastParams = { broadcastStateNames: this.broadcast.descriptors.map((d) => d.name) };
    return addTwoInputNode<R>(
      this.graph,
      {
        kind: 'broadcastProcess',
        name: keyed ? 'KeyedBroadcastProcess' : 'BroadcastProcess',
        fn: requireMethods(fn, 'processElement', 'processBroadcastElement'),
        requiresKeyedInput: (fn.constructor as { requiresKeyedInput?: boolean }).requiresKeyedInput === true,
        ...(keyed ? { keySelector: this.key } : {}),
        params,
      },
      this.inputs1,
      this.broadcast.inputs,
    );
  }
}

/** A keyed stream connected with a broadcast stream: KeyedBroadcastProcessFunction, with keyed state, timers and applyToKeyedState. */
export class KeyedBroadcastConnectedStream<IN1, IN2, K> extends BroadcastConnectedStream<IN1, IN2> {
  declare readonly __key?: K;

  override process<R>(fn: KeyedBroadcastProcessFn<K, IN1, IN2, R> | BroadcastProcessFn<IN1, IN2, R>): SingleOutputStream<R> {
    return super.process(fn as BroadcastProcessFn<IN1, IN2, R>);
  }
}

/** @internal */
export function checkBroadcastDescriptors(descriptors: readonly MapStateDescriptor<any, any>[]): void {
  const names = new Set<string>();
  for (const descriptor of descriptors) {
    if (!descriptor || descriptor.kind !== 'map') {
      throw new TypeError('broadcast() takes MapStateDescriptors, the broadcast state the rules go into: broadcast(new MapStateDescriptor<string, Rule>("rules"))');
    }
    if (names.has(descriptor.name)) throw new TypeError(`broadcast() was given the state '${descriptor.name}' twice: give each broadcast state its own name`);
    names.add(descriptor.name);
  }
}
