/**
 * Builds and runs the operators of one JobGraph vertex for one subtask. Operators are wired back to
 * front: each gets an Output over the chained operators and record writers that read it.
 */
import {
  DEFAULT_AUTO_WATERMARK_INTERVAL_MS,
  keyGroupRangeForSubtask,
  type JobGraph,
  type JobVertexDescriptor,
  type KeySelector,
  type OperatorDescriptor,
} from '@sage/core';
import type { RecordWriter } from '../network/record-writer.js';
import type { TaskMetrics } from '../metrics/task-metrics.js';
import { createOperator } from '../operators/operator-factory.js';
import { Output } from '../operators/output.js';
import type { Input, OperatorContext, StreamOperator } from '../operators/stream-operator.js';
import type { ProcessingTimeService } from '../time/processing-time-service.js';
import { HeapKeyedStateBackend } from '../state/heap-keyed-state-backend.js';
import type { Signal } from './signal.js';
import type { OperatorSnapshotInProgress } from '../checkpoint/operator-snapshot.js';
import type { RestoredOperatorState } from '../checkpoint/task-restore.js';

export interface ChainSpec {
  readonly jobGraph: JobGraph;
  readonly jobId: string;
  readonly vertex: JobVertexDescriptor;
  readonly subtaskIndex: number;
  readonly attemptNumber: number;
  /** This subtask's writer for each outgoing job edge, by edge id. */
  readonly writers: ReadonlyMap<number, RecordWriter>;
  readonly metrics: TaskMetrics;
  readonly processingTime: ProcessingTimeService;
  /** State restored from a checkpoint, by operator uid; empty on a fresh start. */
  readonly restored: ReadonlyMap<string, RestoredOperatorState>;
}

export class OperatorChain {
  /** Operators in chain order (head first); a source vertex's head is its SourceOperator. */
  readonly operators: StreamOperator[] = [];
  /** The head operator: where a network input feeds records. */
  readonly input: Input;
  private readonly writers: RecordWriter[];

  constructor(spec: ChainSpec) {
    const { jobGraph, vertex } = spec;
    this.writers = [...spec.writers.values()];
    const built = new Map<number, StreamOperator>();
    for (let i = vertex.operators.length - 1; i >= 0; i--) {
      const descriptor = vertex.operators[i]!;
      const node = jobGraph.node(descriptor.nodeId);
      const output = this.outputOf(descriptor.nodeId, spec, built);
      const keySelector = (node.keySelector as KeySelector<unknown, unknown> | undefined) ?? null;
      const restoredState = spec.restored.get(descriptor.uid);
      const keyedBackend =
        keySelector === null
          ? null
          : new HeapKeyedStateBackend(
              keyGroupRangeForSubtask(vertex.maxParallelism, vertex.parallelism, spec.subtaskIndex),
              vertex.maxParallelism,
              descriptor.name,
              // State TTL and processing-time timers read one clock.
              { currentTimestamp: () => spec.processingTime.getCurrentProcessingTime() },
            );
      if (keyedBackend !== null && restoredState !== undefined) keyedBackend.restore(restoredState.keyed);
      const context = this.contextOf(spec, descriptor, keySelector, keyedBackend, restoredState);
      const keySelector2 = node.keySelector2 as KeySelector<unknown, unknown> | undefined;
      const operator = createOperator(node, keySelector2 === undefined ? context : { ...context, keySelector2 });
      operator.output = output;
      built.set(descriptor.nodeId, operator);
      this.operators.unshift(operator);
    }
    this.input = this.operators[0]!;
  }

  private contextOf(
    spec: ChainSpec,
    descriptor: OperatorDescriptor,
    keySelector: KeySelector<unknown, unknown> | null,
    keyedBackend: HeapKeyedStateBackend | null,
    restoredState: RestoredOperatorState | undefined,
  ): OperatorContext {
    const { jobGraph, vertex } = spec;
    return {
      jobName: jobGraph.name,
      jobId: spec.jobId,
      operatorName: descriptor.name,
      operatorUid: descriptor.uid,
      subtaskIndex: spec.subtaskIndex,
      parallelism: vertex.parallelism,
      maxParallelism: vertex.maxParallelism,
      attemptNumber: spec.attemptNumber,
      keySelector,
      keyedBackend,
      metrics: spec.metrics,
      processingTime: spec.processingTime,
      autoWatermarkIntervalMs: jobGraph.descriptor.execution.autoWatermarkIntervalMs ?? DEFAULT_AUTO_WATERMARK_INTERVAL_MS,
      restoredState,
    };
  }

  /** Opens tail first, so every operator's downstream is ready before it can emit. */
  async open(): Promise<void> {
    for (let i = this.operators.length - 1; i >= 0; i--) await this.operators[i]!.open();
  }

  /** End of input: head first, so what an operator emits while finishing still reaches the ones after it. */
  async finish(): Promise<void> {
    for (const operator of this.operators) await operator.finish();
  }

  /**
   * Every operator's state at a checkpoint barrier, by uid, head first. Sinks flush and hand over
   * their committables here, which is why this may wait; the task takes no input meanwhile.
   */
  async snapshotState(checkpointId: number): Promise<Map<string, OperatorSnapshotInProgress>> {
    const snapshots = new Map<string, OperatorSnapshotInProgress>();
    for (const operator of this.operators) {
      const snapshot = await operator.snapshotState(checkpointId);
      if (snapshot !== undefined) snapshots.set(operator.context.operatorUid, snapshot);
    }
    return snapshots;
  }

  async notifyCheckpointComplete(checkpointId: number): Promise<void> {
    for (const operator of this.operators) await operator.notifyCheckpointComplete(checkpointId);
  }

  /** True when an operator of this chain (a sink) waits for the job-wide commit at the end of input. */
  get needsFinalCommit(): boolean {
    return this.operators.some((operator) => operator.hasFinalCommit);
  }

  async commitFinal(): Promise<void> {
    for (const operator of this.operators) await operator.commitFinal();
  }

  /** Closes every operator even when one fails; the first error is rethrown. */
  async close(): Promise<void> {
    let failure: unknown;
    for (const operator of this.operators) {
      try {
        await operator.close();
      } catch (error) {
        failure ??= error;
      }
    }
    if (failure !== undefined) throw failure;
  }

  isOutputAvailable(): boolean {
    const writers = this.writers;
    for (let i = 0; i < writers.length; i++) if (!writers[i]!.isAvailable()) return false;
    const operators = this.operators;
    for (let i = 0; i < operators.length; i++) if (!operators[i]!.isAvailable()) return false;
    return true;
  }

  /** Notifies `signal` when the output that is full now has room again. */
  notifyWhenOutputAvailable(signal: Signal): void {
    for (const writer of this.writers) {
      if (!writer.isAvailable()) {
        writer.notifyWhenAvailable(signal);
        return;
      }
    }
    for (const operator of this.operators) {
      if (!operator.isAvailable()) {
        void operator.whenAvailable().then(() => signal.notify(), () => signal.notify());
        return;
      }
    }
    signal.notify();
  }

  flushOutputs(): void {
    for (const writer of this.writers) writer.flush();
  }

  get outputWriters(): readonly RecordWriter[] {
    return this.writers;
  }

  private outputOf(nodeId: number, spec: ChainSpec, built: Map<number, StreamOperator>): Output {
    const main: Input[] = [];
    const sides = new Map<string, Input[]>();
    const add = (sideOutput: string | null, target: Input) => {
      if (sideOutput === null) main.push(target);
      else sides.set(sideOutput, [...(sides.get(sideOutput) ?? []), target]);
    };
    const descriptor = spec.vertex.operators.find((o) => o.nodeId === nodeId)!;
    for (const chained of descriptor.chainedOutputs) add(chained.sideOutput, built.get(chained.target)!);
    for (const edge of spec.jobGraph.outputsOf(spec.vertex.id)) {
      if (edge.sourceOperator === nodeId) add(edge.sideOutput, spec.writers.get(edge.id)!);
    }
    return new Output(main, sides);
  }
}
