/**
 * Runs a whole JobGraph in this process: one Task per subtask, connected by bounded in-process
 * channels with exactly the partitioning a cluster uses, so a job gives the same results here as on
 * TaskManagers. Used by `sage run --local` and by tests.
 */
import type { JobEdgeDescriptor, JobGraph } from '@sage/core';
import { LocalChannel } from '../network/channel.js';
import { InputGate } from '../network/input-gate.js';
import { createRecordWriter, type RecordWriter } from '../network/record-writer.js';
import { Task, type TaskFailure } from '../tasks/task.js';

export interface LocalClusterOptions {
  /** Records per batch between tasks. */
  readonly batchSize?: number;
  /** Batches a channel holds before its producer waits. */
  readonly channelCapacity?: number;
}

export type JobState = 'RUNNING' | 'FINISHED' | 'FAILED' | 'CANCELED';

export interface VertexProgress {
  readonly id: number;
  readonly name: string;
  readonly parallelism: number;
  readonly recordsIn: number;
  readonly recordsOut: number;
}

export interface JobResult {
  readonly jobName: string;
  readonly state: Exclude<JobState, 'RUNNING'>;
  readonly durationMs: number;
  /** The first task failure, when the job failed. */
  readonly failure: TaskFailure | undefined;
  readonly vertices: readonly VertexProgress[];
}

export class LocalCluster {
  private readonly batchSize: number;
  private readonly channelCapacity: number;

  constructor(options: LocalClusterOptions = {}) {
    this.batchSize = options.batchSize ?? 1024;
    this.channelCapacity = options.channelCapacity ?? 4;
  }

  /** Starts the job; await `execution.result` for its outcome. */
  execute(jobGraph: JobGraph): JobExecution {
    const channels = new Map<number, LocalChannel[][]>();
    for (const edge of jobGraph.edges) channels.set(edge.id, this.channelsFor(jobGraph, edge));

    const tasks: Task[] = [];
    const jobEnd = new JobEndBarrier(tasks);
    for (const vertex of jobGraph.vertices) {
      const inputs = jobGraph.inputsOf(vertex.id);
      const outputs = jobGraph.outputsOf(vertex.id);
      for (let subtask = 0; subtask < vertex.parallelism; subtask++) {
        const gateChannels = inputs.flatMap((edge) =>
          channels.get(edge.id)!.flatMap((row) => (row[subtask] ? [row[subtask]!] : [])),
        );
        const writers = new Map<number, RecordWriter>();
        for (const edge of outputs) {
          const row = channels.get(edge.id)![subtask]!;
          writers.set(
            edge.id,
            createRecordWriter({
              partitioner: edge.partitioner,
              channels: edge.partitioner === 'forward' ? [row[subtask]!] : row,
              batchSize: this.batchSize,
              subtaskIndex: subtask,
              keySelector: jobGraph.node(edge.targetOperator).keySelector,
              maxParallelism: jobGraph.vertex(edge.targetVertex).maxParallelism,
            }),
          );
        }
        tasks.push(
          new Task({
            jobGraph,
            vertexId: vertex.id,
            subtaskIndex: subtask,
            attemptNumber: 0,
            inputGate: inputs.length > 0 ? new InputGate(gateChannels) : null,
            writers,
            awaitJobEnd: () => jobEnd.reached,
          }),
        );
      }
    }
    return new JobExecution(jobGraph, tasks, jobEnd);
  }

  /** channels[upstream subtask][downstream subtask]; forward edges only have the diagonal. */
  private channelsFor(jobGraph: JobGraph, edge: JobEdgeDescriptor): LocalChannel[][] {
    const upstream = jobGraph.vertex(edge.sourceVertex).parallelism;
    const downstream = jobGraph.vertex(edge.targetVertex).parallelism;
    return Array.from({ length: upstream }, (_, i) => {
      const row: LocalChannel[] = [];
      for (let j = 0; j < downstream; j++) {
        if (edge.partitioner !== 'forward' || i === j) row[j] = new LocalChannel(this.channelCapacity);
      }
      return row;
    });
  }
}

export class JobExecution {
  readonly result: Promise<JobResult>;
  readonly startedAt = Date.now();
  private state: JobState = 'RUNNING';

  constructor(
    readonly jobGraph: JobGraph,
    readonly tasks: readonly Task[],
    private readonly jobEnd: JobEndBarrier,
  ) {
    for (const task of tasks) task.onStateChange(() => jobEnd.check());
    this.result = this.run();
  }

  get jobState(): JobState {
    return this.state;
  }

  cancel(): void {
    if (this.state === 'RUNNING') this.state = 'CANCELED';
    this.jobEnd.abandon();
    for (const task of this.tasks) task.cancel();
  }

  /** Records in and out per vertex, summed over its subtasks. */
  progress(): VertexProgress[] {
    return this.jobGraph.vertices.map((vertex) => {
      let recordsIn = 0;
      let recordsOut = 0;
      for (const task of this.tasks) {
        if (task.vertexId !== vertex.id) continue;
        recordsIn += task.metrics.recordsIn;
        recordsOut += task.metrics.recordsOut;
      }
      return { id: vertex.id, name: vertex.name, parallelism: vertex.parallelism, recordsIn, recordsOut };
    });
  }

  private async run(): Promise<JobResult> {
    let failure: TaskFailure | undefined;
    await Promise.all(
      this.tasks.map((task) =>
        task.run().catch((error: TaskFailure) => {
          if (failure === undefined) {
            failure = error;
            this.state = 'FAILED';
            this.jobEnd.abandon();
            for (const other of this.tasks) other.cancel();
          }
        }),
      ),
    );
    if (this.state === 'RUNNING') this.state = 'FINISHED';
    return {
      jobName: this.jobGraph.name,
      state: this.state as JobResult['state'],
      durationMs: Date.now() - this.startedAt,
      failure,
      vertices: this.progress(),
    };
  }
}

/** Resolves true when every task of the job has reached the end of its input, false if it never will. */
class JobEndBarrier {
  readonly reached: Promise<boolean>;
  private resolve!: (value: boolean) => void;

  constructor(private readonly tasks: readonly Task[]) {
    this.reached = new Promise((resolve) => (this.resolve = resolve));
  }

  check(): void {
    if (this.tasks.every((t) => t.state === 'FINISHING' || t.state === 'FINISHED')) this.resolve(true);
  }

  abandon(): void {
    this.resolve(false);
  }
}
