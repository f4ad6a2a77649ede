/**
 * A Task runs one subtask of a JobGraph vertex: a single mailbox loop that takes input, pushes it
 * through the OperatorChain with plain calls and waits, without spinning, when it has no input or no
 * room downstream. Everything else the task does (checkpoints, cancellation) enters through its mailbox
 * and runs between two inputs, never in the middle of a record.
 */
import { SageError, type JobGraph, type Source, type SourceReader } from '@sage/core';
import type { InputGate } from '../network/input-gate.js';
import type { RecordWriter } from '../network/record-writer.js';
import { TaskMetrics } from '../metrics/task-metrics.js';
import { EndOfPartition } from '../records/stream-elements.js';
import { shouldYield, yieldToEventLoop } from './event-loop-fairness.js';
import { OperatorChain } from './operator-chain.js';
import { Mailbox } from './mailbox.js';
import { Signal } from './signal.js';
import { NetworkInput, SourceInput, type TaskInput } from './task-input.js';

/** FINISHING: input done and results prepared, waiting for the job-wide commit. */
export type TaskState = 'CREATED' | 'DEPLOYING' | 'RUNNING' | 'FINISHING' | 'FINISHED' | 'CANCELED' | 'FAILED';

export interface TaskSpec {
  readonly jobGraph: JobGraph;
  readonly vertexId: number;
  readonly subtaskIndex: number;
  readonly attemptNumber: number;
  /** Null for source vertices. */
  readonly inputGate: InputGate | null;
  /** This subtask's writer per outgoing job edge, by edge id. */
  readonly writers: ReadonlyMap<number, RecordWriter>;
  /**
   * Longest time a partial batch waits before it is sent. Batches are also sent when full and when
   * the task goes idle; the timeout bounds latency for a task that stays busy. 0 turns it off.
   */
  readonly bufferTimeoutMs?: number;
  /**
   * Called by a task whose sinks prepared results at the end of input: resolves true once every task
   * of the job has reached its end (commit), false if the job will not finish (discard).
   */
  readonly awaitJobEnd?: () => Promise<boolean>;
}

/** Raised inside a task that was cancelled; never reported as a failure. */
export class TaskCanceled extends SageError {
  constructor(taskName: string) {
    super('TaskCanceled', `Task ${taskName} was cancelled`);
  }
}

/** A task failed; `cause` is the error as thrown, with the user's stack trace. */
export class TaskFailure extends SageError {
  constructor(
    readonly taskName: string,
    cause: unknown,
  ) {
    super('TaskFailure', `Task ${taskName} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

export class Task {
  readonly name: string;
  readonly metrics = new TaskMetrics();
  state: TaskState = 'CREATED';
  failureCause: unknown = undefined;
  /** When each state was entered, epoch milliseconds. */
  readonly stateTimestamps: Partial<Record<TaskState, number>> = { CREATED: Date.now() };
  private readonly signal = new Signal();
  /** Actions to run in the task's loop, between inputs. */
  readonly mailbox = new Mailbox(this.signal);
  private canceled = false;
  private readonly canceledPromise: Promise<false>;
  private resolveCanceled!: (value: false) => void;
  private readonly listeners: ((task: Task) => void)[] = [];

  constructor(private readonly spec: TaskSpec) {
    const vertex = spec.jobGraph.vertex(spec.vertexId);
    this.name = `${vertex.name} (${spec.subtaskIndex + 1}/${vertex.parallelism})`;
    this.canceledPromise = new Promise((resolve) => (this.resolveCanceled = resolve));
  }

  get vertexId(): number {
    return this.spec.vertexId;
  }

  get subtaskIndex(): number {
    return this.spec.subtaskIndex;
  }

  onStateChange(listener: (task: Task) => void): void {
    this.listeners.push(listener);
  }

  /** Runs the task to its end. Resolves when it finished or was cancelled; rejects with a TaskFailure. */
  async run(): Promise<void> {
    let chain: OperatorChain | undefined;
    let reader: SourceReader<unknown, unknown> | undefined;
    let flushTimer: NodeJS.Timeout | undefined;
    try {
      this.transition('DEPLOYING');
      chain = new OperatorChain({ ...this.spec, vertex: this.spec.jobGraph.vertex(this.spec.vertexId), metrics: this.metrics });
      this.metrics.attachWriters(chain.outputWriters);
      await chain.open();
      const input = await this.createInput(chain);
      if (input instanceof SourceInput) reader = input.reader;
      this.checkCanceled();
      const timeout = this.spec.bufferTimeoutMs ?? 0;
      if (timeout > 0 && chain.outputWriters.length > 0) {
        const flush = () => chain!.flushOutputs();
        flushTimer = setInterval(() => {
          if (!this.mailbox.hasMail) this.mailbox.put(flush);
        }, timeout);
      }
      this.transition('RUNNING');
      await this.loop(chain, input);
      await chain.finish();
      for (const writer of chain.outputWriters) writer.broadcastEvent(EndOfPartition.INSTANCE);
      if (chain.needsFinalCommit) {
        this.transition('FINISHING');
        const commit = this.spec.awaitJobEnd ? await Promise.race([this.spec.awaitJobEnd(), this.canceledPromise]) : true;
        this.checkCanceled();
        if (!commit) throw new TaskCanceled(this.name);
        await chain.commitFinal();
      }
      await reader?.close();
      await chain.close();
      this.transition('FINISHED');
    } catch (error) {
      await reader?.close().catch(() => {});
      await chain?.close().catch(() => {});
      if (error instanceof TaskCanceled || this.canceled) {
        this.transition('CANCELED');
        return;
      }
      this.failureCause = error;
      this.transition('FAILED');
      throw new TaskFailure(this.name, error);
    } finally {
      clearInterval(flushTimer);
    }
  }

  /** Stops the task at its next step; run() then resolves with the task CANCELED. */
  cancel(): void {
    this.canceled = true;
    this.resolveCanceled(false);
    this.signal.notify();
  }

  private async createInput(chain: OperatorChain): Promise<TaskInput> {
    const { jobGraph, vertexId, subtaskIndex, attemptNumber, inputGate } = this.spec;
    const vertex = jobGraph.vertex(vertexId);
    const head = jobGraph.node(vertex.operators[0]!.nodeId);
    if (head.kind === 'source') {
      const source = head.fn as Source<unknown, unknown>;
      const reader = source.createReader({
        jobName: jobGraph.name,
        subtaskIndex,
        parallelism: vertex.parallelism,
        attemptNumber,
        restoredState: undefined,
      });
      await reader.start();
      return new SourceInput(reader, chain.input, this.metrics);
    }
    if (inputGate === null) throw new Error(`Task ${this.name} has no input gate`);
    inputGate.setConsumer(this.signal);
    return new NetworkInput(inputGate, chain.input, this.metrics);
  }

  private async loop(chain: OperatorChain, input: TaskInput): Promise<void> {
    const signal = this.signal;
    for (;;) {
      this.checkCanceled();
      if (this.mailbox.hasMail) {
        await this.mailbox.runAll();
        continue;
      }
      if (!chain.isOutputAvailable()) {
        chain.flushOutputs();
        const blockedAt = Date.now();
        chain.notifyWhenOutputAvailable(signal);
        await signal.wait();
        this.metrics.backpressuredMs += Date.now() - blockedAt;
        // A writer or reader may answer its wait at once (whenAvailable missing, isAvailable already
        // resolved) while the room or data it waits for comes from a timer: the loop would then spin on
        // microtasks and starve that timer. Waits count against the time slice like records do.
        if (shouldYield()) await yieldToEventLoop();
        continue;
      }
      const status = input.processInput();
      if (status === 'end') return;
      if (status === 'nothing') {
        chain.flushOutputs();
        const idleSince = Date.now();
        input.notifyWhenAvailable(signal);
        await signal.wait();
        this.metrics.idleMs += Date.now() - idleSince;
        if (shouldYield()) await yieldToEventLoop();
        continue;
      }
      if (shouldYield()) await yieldToEventLoop();
    }
  }

  private checkCanceled(): void {
    if (this.canceled) throw new TaskCanceled(this.name);
  }

  private transition(state: TaskState): void {
    this.state = state;
    this.stateTimestamps[state] = Date.now();
    for (const listener of this.listeners) listener(this);
  }
}
