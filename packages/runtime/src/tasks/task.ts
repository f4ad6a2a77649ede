/**
 * A Task runs one subtask of a JobGraph vertex: a single mailbox loop that takes input, pushes it
 * through the OperatorChain with plain calls and waits, without spinning, when it has no input or no
 * room downstream. Everything else the task does (checkpoints, cancellation) enters through its mailbox
 * and runs between two inputs, never in the middle of a record.
 */
import { performance } from 'node:perf_hooks';
import { SageError, type CheckpointingMode, type JobGraph, type Source } from '@sage/core';
import { finalStateNamespace, type CheckpointStorage, type StateHandle } from '../checkpoint/checkpoint-storage.js';
import { BarrierAligner } from '../checkpoint/barrier-aligner.js';
import { AsyncCheckpoint, SNAPSHOT_SLICE_MS, type CheckpointTarget } from '../checkpoint/async-checkpoint.js';
import { snapshotPacer, type SliceOwner } from '../checkpoint/snapshot-pacer.js';
import { loadRestoredState, type RestoredOperatorState, type TaskRestore } from '../checkpoint/task-restore.js';
import type { InputGate } from '../network/input-gate.js';
import type { RecordWriter } from '../network/record-writer.js';
import { TaskMetrics } from '../metrics/task-metrics.js';
import { FINAL_SNAPSHOT_ID } from '../operators/stream-operator.js';
import { CheckpointBarrier, EndOfPartition } from '../records/stream-elements.js';
import { shouldYield, yieldToEventLoop } from './event-loop-fairness.js';
import { OperatorChain } from './operator-chain.js';
import { Mailbox } from './mailbox.js';
import { Signal } from './signal.js';
import { MailboxProcessingTimeService } from '../time/processing-time-service.js';
import { NetworkInput, SourceInput, type TaskInput } from './task-input.js';
import { SourceOperator } from '../source/source-operator.js';
import { TwoInputNetworkInput, channelInputs } from './two-input-network-input.js';
import { TwoInputOperator } from '../operators/two-input/two-input-operator.js';

/** FINISHING: input done and results prepared, waiting for the job-wide commit. */
export type TaskState = 'CREATED' | 'DEPLOYING' | 'RUNNING' | 'FINISHING' | 'FINISHED' | 'CANCELED' | 'FAILED';

export interface TaskSpec {
  readonly jobGraph: JobGraph;
  /** The running job's id, as connectors see it (transactional ids, consumer groups). */
  readonly jobId: string;
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
  /** Present when the job takes checkpoints. */
  readonly checkpointing?: TaskCheckpointing;
  /** The checkpoint to restore from; needs `checkpointing` for its storage. */
  readonly restore?: TaskRestore;
}

export interface TaskCheckpointing {
  readonly jobId: string;
  readonly mode: CheckpointingMode;
  readonly storage: CheckpointStorage;
  readonly responder: CheckpointResponder;
  /**
   * False while the task's process has not heard from the JobManager for longer than its heartbeat
   * timeout: its attempt may have been replaced, so it declines checkpoints instead of snapshotting.
   */
  readonly inContact?: () => boolean;
}

/** A task's snapshot is stored: its handles by operator uid (operators without state have none). */
export interface TaskCheckpointAck {
  readonly checkpointId: number;
  readonly vertexId: number;
  readonly subtaskIndex: number;
  readonly handles: Readonly<Record<string, StateHandle>>;
  readonly stateSize: number;
  /**
   * Time records waited at the barrier (state captured), and from then until the state was stored
   * (keyed state serialized in slices between records, then written).
   */
  readonly syncMs: number;
  readonly asyncMs: number;
  /**
   * The task's final state, taken after the end of its input (checkpointId is then 0): it stands for
   * the task in every checkpoint that completes after the task ended (FLIP-147).
   */
  readonly final?: boolean;
}

/** Where a task reports its part of a checkpoint: the CheckpointCoordinator, directly or over RPC. */
export interface CheckpointResponder {
  acknowledge(ack: TaskCheckpointAck): void;
  decline(checkpointId: number, vertexId: number, subtaskIndex: number, reason: Error): void;
  /**
   * Hands over the task's final state; resolves once the coordinator has it, which must be before it
   * sees the task end. Present when the job takes checkpoints (not when it only restores from one).
   */
  reportFinalState?(ack: TaskCheckpointAck): Promise<void>;
}

/** A checkpoint declined because a task was not running: it does not count as a failed checkpoint (as in Flink). */
export const TASK_NOT_READY = 'CheckpointDeclinedTaskNotReady';

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
  private readonly processingTime = new MailboxProcessingTimeService(this.mailbox);
  private canceled = false;
  private readonly canceledPromise: Promise<false>;
  private resolveCanceled!: (value: false) => void;
  private readonly listeners: ((task: Task) => void)[] = [];
  private chain: OperatorChain | undefined;
  private input: TaskInput | undefined;
  /** Set once the loop has seen the end of input: mails put after that are never run. */
  private inputEnded = false;
  /** Checkpoint writes not yet acknowledged: the final state is reported after them. */
  private readonly checkpointWrites = new Set<Promise<void>>();
  /** Checkpoints whose barrier went on and whose keyed state is still being serialized, oldest first. */
  private readonly asyncCheckpoints: AsyncCheckpoint[] = [];
  /** The task's place in the process's turns at serializing snapshots (see SnapshotPacer). */
  private readonly sliceOwner: SliceOwner = { grant: () => this.grantSlice() };
  /** After the end of input, what a granted turn resumes; before it, a turn is a mail. */
  private resumeAfterEnd: (() => void) | undefined;
  private checkpointTarget: CheckpointTarget | undefined;

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
    try {
      this.transition('DEPLOYING');
      const restored = await this.loadRestoredState();
      chain = new OperatorChain({
        ...this.spec,
        vertex: this.spec.jobGraph.vertex(this.spec.vertexId),
        metrics: this.metrics,
        processingTime: this.processingTime,
        restored,
      });
      this.chain = chain;
      this.metrics.attachWriters(chain.outputWriters);
      // A source operator starts its reader here, after the operators behind it are ready.
      await chain.open();
      const input = (this.input = this.createInput(chain));
      this.checkCanceled();
      this.transition('RUNNING');
      await this.loop(chain, input);
      this.inputEnded = true;
      this.processingTime.shutdown();
      // A checkpoint aligned by the last EndOfPartition is still in the mailbox.
      await this.mailbox.runAll();
      await this.completeAsyncCheckpoints();
      await chain.finish();
      // Before the EndOfPartition goes out, so that no task downstream ends before this one's final state is in.
      await this.reportFinalState(chain);
      for (const writer of chain.outputWriters) writer.broadcastEvent(EndOfPartition.INSTANCE);
      if (chain.needsFinalCommit) {
        this.transition('FINISHING');
        const commit = this.spec.awaitJobEnd ? await Promise.race([this.spec.awaitJobEnd(), this.canceledPromise]) : true;
        this.checkCanceled();
        if (!commit) throw new TaskCanceled(this.name);
        await chain.commitFinal();
      }
      await chain.close();
      this.transition('FINISHED');
    } catch (error) {
      this.processingTime.shutdown();
      snapshotPacer.withdraw(this.sliceOwner);
      for (const checkpoint of this.asyncCheckpoints.splice(0)) checkpoint.abandon();
      await chain?.close().catch(() => {});
      if (error instanceof TaskCanceled || this.canceled) {
        this.transition('CANCELED');
        return;
      }
      this.failureCause = error;
      this.transition('FAILED');
      throw new TaskFailure(this.name, error);
    }
  }

  /** Stops the task at its next step; run() then resolves with the task CANCELED. */
  cancel(): void {
    this.canceled = true;
    this.resolveCanceled(false);
    this.signal.notify();
  }

  /**
   * Checkpoint `checkpointId` starts at this task: a source task snapshots between two polls of its
   * reader, emits the barrier, and acknowledges once its state is stored; a task whose every upstream
   * subtask has ended snapshots once the records still in its channels are through. Declined when not running.
   */
  triggerCheckpoint(checkpointId: number, timestamp: number): void {
    const checkpointing = this.spec.checkpointing;
    if (checkpointing === undefined) return;
    const input = this.input;
    if (this.state !== 'RUNNING' || this.inputEnded || input === undefined) {
      const why = this.state !== 'RUNNING' ? `it is ${this.state}` : this.inputEnded ? 'it has reached the end of its input' : 'it has no input to align';
      checkpointing.responder.decline(
        checkpointId,
        this.vertexId,
        this.subtaskIndex,
        new SageError(TASK_NOT_READY, `Task ${this.name} cannot take checkpoint ${checkpointId}: ${why}`),
      );
      return;
    }
    const barrier = new CheckpointBarrier(checkpointId, timestamp);
    this.mailbox.put(() => {
      const aligned = input.startCheckpoint(barrier);
      if (aligned) return this.performCheckpoint(aligned);
    });
  }

  /** Resolves once the task's operators have handled it (sinks committed), or at once when the task is not running. */
  notifyCheckpointComplete(checkpointId: number): Promise<void> {
    // Past its end the task runs no more mails; what its sinks still hold is in its final state.
    if (this.state !== 'RUNNING' || this.inputEnded) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.mailbox.put(async () => {
        try {
          await this.chain?.notifyCheckpointComplete(checkpointId);
          resolve();
        } catch (error) {
          reject(error as Error);
          throw error;
        }
      });
    });
  }

  /** An aborted checkpoint stops being aligned, so its blocked channels flow again. */
  notifyCheckpointAborted(checkpointId: number): void {
    this.mailbox.put(() => {
      this.input?.abortCheckpoint(checkpointId);
      const index = this.asyncCheckpoints.findIndex((c) => c.checkpointId === checkpointId);
      if (index >= 0) this.asyncCheckpoints.splice(index, 1)[0]!.abandon();
    });
  }

  /**
   * Captures every operator's state (in the mailbox, so between two records) and sends the barrier
   * on. Keyed state is serialized afterwards, in slices between records (see AsyncCheckpoint), then
   * stored while records flow, and the task acknowledges.
   */
  private async performCheckpoint(barrier: CheckpointBarrier): Promise<void> {
    const checkpointing = this.spec.checkpointing!;
    if (this.canceled || checkpointing.inContact?.() === false) {
      const why = this.canceled ? 'it was cancelled' : 'its TaskManager has lost contact with the JobManager, which may have replaced it';
      checkpointing.responder.decline(barrier.checkpointId, this.vertexId, this.subtaskIndex, new SageError(TASK_NOT_READY, `Task ${this.name} cannot take checkpoint ${barrier.checkpointId}: ${why}`));
      return;
    }
    const chain = this.chain!;
    const started = Date.now();
    const snapshots = await chain.snapshotState(barrier.checkpointId);
    for (const writer of chain.outputWriters) writer.broadcastEvent(barrier);
    const checkpoint = new AsyncCheckpoint(barrier.checkpointId, snapshots, started);
    if (!checkpoint.hasKeyedState && this.asyncCheckpoints.length === 0) {
      this.track(checkpoint.store(this.target()));
      return;
    }
    this.asyncCheckpoints.push(checkpoint);
    this.scheduleSlice();
  }

  /**
   * When the task's input has ended: serializes and stores what checkpoints still owe, in slices as
   * before, now awaited here since the loop runs no more mails. Not in one go: with 200 MB of state,
   * that stalled the process (heartbeats included) for over a second.
   */
  private async completeAsyncCheckpoints(): Promise<void> {
    // A turn granted from now on would put a mail that never runs.
    snapshotPacer.withdraw(this.sliceOwner);
    await this.slicesAfterEnd(this.serializePending, () => this.asyncCheckpoints.length === 0);
  }

  /** Keeps a checkpoint's write until it is acknowledged or declined: the final state is reported after it. */
  private track(write: Promise<void>): void {
    this.checkpointWrites.add(write);
    void write.finally(() => this.checkpointWrites.delete(write));
  }

  /**
   * Asks the process's pacer for a turn, which comes through the event loop (heartbeats, sockets,
   * timers and the task's input all get a turn between two slices) and runs as a mail.
   */
  private scheduleSlice(): void {
    snapshotPacer.request(this.sliceOwner);
  }

  private grantSlice(): void {
    const resume = this.resumeAfterEnd;
    if (resume === undefined) {
      this.mailbox.put(this.serializeSlice);
      return;
    }
    this.resumeAfterEnd = undefined;
    resume();
  }

  /** Once the loop has ended: slices of `work` in turns awaited here rather than run as mails, until `done`. */
  private async slicesAfterEnd(work: (deadline: number) => void, done: () => boolean): Promise<void> {
    while (!done()) {
      await new Promise<void>((resolve) => {
        this.resumeAfterEnd = resolve;
        snapshotPacer.request(this.sliceOwner);
      });
      this.slice(work);
      this.checkCanceled();
    }
  }

  private readonly serializeSlice = (): void => {
    this.slice(this.serializePending);
    if (this.asyncCheckpoints.length > 0 && !this.canceled) this.scheduleSlice();
  };

  /** One slice of `work`, given its deadline, within the turn the pacer granted. */
  private slice(work: (deadline: number) => void): void {
    snapshotPacer.begin(this.sliceOwner);
    try {
      work(performance.now() + SNAPSHOT_SLICE_MS);
    } finally {
      snapshotPacer.end(this.sliceOwner);
    }
  }

  /** Serializes pending checkpoints, oldest first, until the deadline; stores each one complete. */
  private readonly serializePending = (deadline: number): void => {
    const pending = this.asyncCheckpoints;
    while (pending.length > 0 && pending[0]!.serializeUntil(deadline)) this.track(pending.shift()!.store(this.target()));
  };

  private target(): CheckpointTarget {
    if (this.checkpointTarget !== undefined) return this.checkpointTarget;
    const { jobId, storage, responder } = this.spec.checkpointing!;
    const { vertexId, subtaskIndex } = this;
    this.checkpointTarget = {
      jobId,
      storage,
      vertexId,
      subtaskIndex,
      acknowledge: (checkpointId, handles, stateSize, syncMs, asyncMs) =>
        responder.acknowledge({ checkpointId, vertexId, subtaskIndex, handles, stateSize, syncMs, asyncMs }),
      decline: (checkpointId, reason) => responder.decline(checkpointId, vertexId, subtaskIndex, reason),
    };
    return this.checkpointTarget;
  }

  /**
   * At the end of input, after finish() (sinks hold their END_OF_INPUT committables): every operator's
   * state once more, with the reader's final position, written to the attempt's final-state namespace
   * and handed to the coordinator, which copies it into each checkpoint that completes from now on.
   * A finished source's state cannot be left out: restored without it, its reader would start over.
   */
  private async reportFinalState(chain: OperatorChain): Promise<void> {
    const checkpointing = this.spec.checkpointing;
    const report = checkpointing?.responder.reportFinalState;
    if (checkpointing === undefined || report === undefined) return;
    const started = Date.now();
    const snapshots = await chain.snapshotState(FINAL_SNAPSHOT_ID);
    const final = new AsyncCheckpoint(FINAL_SNAPSHOT_ID, snapshots, started);
    const syncMs = final.syncMs;
    // In paced slices, as checkpoints are: other tasks of the process may still be running.
    if (!final.hasKeyedState) final.serializeAll();
    await this.slicesAfterEnd((deadline) => void final.serializeUntil(deadline), () => final.serialized);
    // Acknowledgements of checkpoints taken before the end go first, so none arrives after the task ended.
    await Promise.all(this.checkpointWrites);
    const namespace = finalStateNamespace(this.spec.attemptNumber);
    const { handles, stateSize } = await final.write(checkpointing.storage, checkpointing.jobId, namespace, this.subtaskIndex);
    await report.call(checkpointing.responder, {
      checkpointId: 0,
      vertexId: this.vertexId,
      subtaskIndex: this.subtaskIndex,
      handles,
      stateSize,
      syncMs,
      asyncMs: Date.now() - started - syncMs,
      final: true,
    });
  }

  private async loadRestoredState(): Promise<Map<string, RestoredOperatorState>> {
    const { restore, checkpointing, jobGraph, vertexId, subtaskIndex } = this.spec;
    if (restore === undefined) return new Map();
    if (checkpointing === undefined) throw new Error(`Task ${this.name} was given a checkpoint to restore but no checkpoint storage`);
    const vertex = jobGraph.vertex(vertexId);
    const unionUids = new Set<string>();
    for (const operator of vertex.operators) {
      const node = jobGraph.node(operator.nodeId);
      if (node.kind === 'source' && (node.fn as Source<unknown>).restoreMode === 'union') unionUids.add(operator.uid);
      // Broadcast state: every subtask gets every old copy and keeps one (they are all equal).
      if (node.kind === 'broadcastProcess') unionUids.add(operator.uid);
    }
    return loadRestoredState(restore, checkpointing.storage, vertex.operators.map((o) => o.uid), subtaskIndex, vertex.parallelism, vertex.maxParallelism, unionUids);
  }

  /** The head's input: its reader for a source operator, the input gate for any other. */
  private createInput(chain: OperatorChain): TaskInput {
    const head = chain.operators[0];
    if (head instanceof SourceOperator) return new SourceInput(head);
    const inputGate = this.spec.inputGate;
    if (inputGate === null) throw new Error(`Task ${this.name} has no input gate`);
    inputGate.setConsumer(this.signal);
    if (head instanceof TwoInputOperator) {
      const checkpointing = this.spec.checkpointing;
      const aligner = checkpointing === undefined ? undefined : new BarrierAligner(inputGate, checkpointing.mode);
      const onAligned = aligner && ((barrier: CheckpointBarrier) => this.mailbox.put(() => this.performCheckpoint(barrier)));
      return new TwoInputNetworkInput(inputGate, channelInputs(inputGate, this.spec.jobGraph, this.name), head, this.metrics, aligner, onAligned);
    }
    if (this.spec.checkpointing === undefined) return new NetworkInput(inputGate, chain.input, this.metrics, undefined, undefined);
    const aligner = new BarrierAligner(inputGate, this.spec.checkpointing.mode);
    return new NetworkInput(inputGate, chain.input, this.metrics, aligner, (barrier) => this.mailbox.put(() => this.performCheckpoint(barrier)));
  }

  /**
   * Partial batches leave when the task waits (for input or for room downstream) and, while it stays
   * busy, once `bufferTimeoutMs` has passed since the last flush: the loop checks between input steps,
   * which SliceCheck keeps to about a time slice whatever the operators cost (a timer would not run
   * while a step holds the event loop; Flink's OutputFlusher has a thread of its own for this).
   */
  private async loop(chain: OperatorChain, input: TaskInput): Promise<void> {
    const signal = this.signal;
    const bufferTimeout = chain.outputWriters.length > 0 ? (this.spec.bufferTimeoutMs ?? 0) : 0;
    let flushedAt = performance.now();
    for (;;) {
      this.checkCanceled();
      if (bufferTimeout > 0) {
        const now = performance.now();
        if (now - flushedAt >= bufferTimeout) {
          chain.flushOutputs();
          flushedAt = now;
        }
      }
      if (this.mailbox.hasMail) {
        await this.mailbox.runAll();
        continue;
      }
      if (!chain.isOutputAvailable()) {
        chain.flushOutputs();
        flushedAt = performance.now();
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
        flushedAt = performance.now();
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
