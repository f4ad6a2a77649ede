/**
 * The TaskExecutor is a TaskManager process's core: it registers with the JobManager and heartbeats,
 * deploys the subtasks it is sent into Tasks wired to local channels or remote exchange streams,
 * reports every task's state, and cancels tasks when told to or when it loses the JobManager.
 */
import { hostname } from 'node:os';
import * as grpc from '@grpc/grpc-js';
import { resolveCheckpointConfig, type JobGraph } from '@sage/core';
import {
  RecordWriter,
  InputGate,
  Task,
  TaskFailure,
  createRecordWriter,
  type CheckpointStorage,
  type InputChannel,
  type OperatorCheckpoint,
  type ResultSubpartition,
  type TaskCheckpointAck,
  type TaskCheckpointing,
  type TaskRestore,
  type TaskState,
} from '@sage/runtime';
import { openCheckpointStorage } from '@sage/checkpoint-redis';
import {
  bindServer,
  call,
  createExchangeClient,
  createJobManagerClient,
  sageProtos,
  shutdownServer,
  type ExchangeClient,
  type ExecutionState,
  type FailureCause,
  type JobManagerClient,
  type TaskDeploymentDescriptor__Output,
  type TaskManagerHandlers,
} from '@sage/rpc';
import { createLogger, type Logger } from '@sage/observability';
import { JobPlans } from './artifacts/job-plans.js';
import type { TaskManagerConfig } from './config.js';
import { failureCauseOf } from './failure-cause.js';
import { exchangeHandlers, exchangeService } from './network/exchange-service.js';
import { channelKey, jobAttemptPrefix } from './network/partition-key.js';
import { PartitionRegistry } from './network/partition-registry.js';
import { RemoteInputChannel } from './network/remote-input-channel.js';
import { RemoteSubpartition } from './network/remote-subpartition.js';

interface DeployedTask {
  readonly descriptor: TaskDeploymentDescriptor__Output;
  task: Task | undefined;
  canceled: boolean;
  done: Promise<void>;
  readonly remoteInputs: RemoteInputChannel[];
  readonly remoteOutputs: RemoteSubpartition[];
}

const SUBSCRIBE_TIMEOUT_MS = 60_000;

export class TaskExecutor {
  readonly log: Logger;
  private readonly server = new grpc.Server({ 'grpc.max_receive_message_length': 256 << 20, 'grpc.max_send_message_length': 256 << 20 });
  private readonly jobManager: JobManagerClient;
  private readonly registry = new PartitionRegistry();
  private readonly plans: JobPlans;
  private readonly tasks = new Map<string, DeployedTask>();
  private readonly exchangeClients = new Map<string, ExchangeClient>();
  /** Per job attempt: resolves true when the JobManager says every task reached its end, false on release. */
  private readonly jobEnds = new Map<string, { reached: Promise<boolean>; resolve: (commit: boolean) => void }>();
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private lastJobManagerContact = Date.now();
  /** The JobManager's heartbeat timeout, from registration: silent this long, this TaskManager may be declared lost. */
  private heartbeatTimeoutMs = Number.POSITIVE_INFINITY;
  private stopped = false;
  private idValue = '';
  /** Opened when the JobManager names it at registration. */
  private checkpointStorage: CheckpointStorage | undefined;
  private checkpointStorageUrl = '';
  private addressValue = '';

  constructor(private readonly config: TaskManagerConfig) {
    this.log = createLogger({ component: 'taskmanager', level: config.logLevel });
    this.jobManager = createJobManagerClient(config.jobManagerAddress);
    this.plans = new JobPlans(this.jobManager);
  }

  get id(): string {
    return this.idValue;
  }

  /** host:port of this TaskManager's gRPC server. */
  get address(): string {
    return this.addressValue;
  }

  /** Listens, then registers with the JobManager (retrying until registrationTimeoutMs) and starts heartbeats. */
  async start(): Promise<void> {
    const protos = sageProtos();
    this.server.addService(protos.sage.v1.TaskManager.service, this.handlers());
    this.server.addService(exchangeService(), exchangeHandlers(this.registry, this.log, SUBSCRIBE_TIMEOUT_MS));
    const port = await bindServer(this.server, this.config.host, this.config.port);
    const advertisedHost = this.config.advertisedHost ?? (this.config.host === '0.0.0.0' ? hostname() : this.config.host);
    this.addressValue = `${advertisedHost}:${port}`;
    this.idValue = this.config.id ?? `tm-${advertisedHost}-${port}`;
    Object.assign(this.log, this.log.child({ taskManager: this.idValue }));
    const interval = await this.register(this.config.registrationTimeoutMs);
    this.heartbeatTimer = setInterval(() => void this.heartbeat(), interval);
    this.log.info({ address: this.addressValue, slots: this.config.slots, jobManager: this.config.jobManagerAddress }, 'TaskManager started');
  }

  /** Cancels every task, waits for them to stop and closes the server. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.heartbeatTimer);
    for (const deployed of this.tasks.values()) this.cancel(deployed);
    await Promise.race([
      Promise.allSettled([...this.tasks.values()].map((t) => t.done)),
      new Promise((resolve) => setTimeout(resolve, 5_000)),
    ]);
    await shutdownServer(this.server);
    this.jobManager.close();
    await this.checkpointStorage?.close().catch(() => {});
    for (const client of this.exchangeClients.values()) client.close();
    this.log.info('TaskManager stopped');
  }

  private handlers(): TaskManagerHandlers {
    return {
      DeployTask: (rpc, callback) => {
        try {
          this.deploy(rpc.request);
          callback(null, {});
        } catch (error) {
          callback({ code: grpc.status.FAILED_PRECONDITION, details: (error as Error).message });
        }
      },
      CancelTask: (rpc, callback) => {
        const r = rpc.request;
        const deployed = this.tasks.get(taskKey(r.jobId, r.attempt, r.vertexId, r.subtaskIndex));
        if (deployed) this.cancel(deployed);
        callback(null, {});
      },
      ReleaseJob: (rpc, callback) => {
        this.releaseJob(rpc.request.jobId, rpc.request.attempt, 'released by the JobManager');
        callback(null, {});
      },
      TriggerCheckpoint: (rpc, callback) => {
        const r = rpc.request;
        const task = this.tasks.get(taskKey(r.jobId, r.attempt, r.vertexId, r.subtaskIndex))?.task;
        if (task === undefined) {
          callback({ code: grpc.status.NOT_FOUND, details: `No running task ${r.vertexId}/${r.subtaskIndex} of job ${r.jobId} attempt ${r.attempt} on ${this.id}` });
          return;
        }
        task.triggerCheckpoint(Number(r.checkpointId), Number(r.timestamp));
        callback(null, {});
      },
      NotifyCheckpointComplete: (rpc, callback) => {
        const r = rpc.request;
        if (r.endOfInput) {
          this.jobEnd(r.jobId, r.attempt).resolve(true);
          callback(null, {});
          return;
        }
        // Answered once every task here has handled it, so a stop-with-savepoint knows its sinks committed.
        Promise.all(this.tasksOf(r.jobId, r.attempt).map((task) => task.notifyCheckpointComplete(Number(r.checkpointId)))).then(
          () => callback(null, {}),
          (error: Error) => callback({ code: grpc.status.INTERNAL, details: `Committing checkpoint ${r.checkpointId} failed on ${this.id}: ${error.message}` }),
        );
      },
      NotifyCheckpointAborted: (rpc, callback) => {
        for (const task of this.tasksOf(rpc.request.jobId, rpc.request.attempt)) task.notifyCheckpointAborted(Number(rpc.request.checkpointId));
        callback(null, {});
      },
    };
  }

  private deploy(descriptor: TaskDeploymentDescriptor__Output): void {
    if (this.stopped) throw new Error(`TaskManager ${this.id} is shutting down`);
    const key = taskKey(descriptor.jobId, descriptor.attempt, descriptor.vertexId, descriptor.subtaskIndex);
    if (this.tasks.has(key)) throw new Error(`Task ${key} is already deployed on ${this.id}`);
    const deployed: DeployedTask = { descriptor, task: undefined, canceled: false, done: Promise.resolve(), remoteInputs: [], remoteOutputs: [] };
    this.tasks.set(key, deployed);
    deployed.done = this.run(deployed).finally(() => this.tasks.delete(key));
  }

  private async run(deployed: DeployedTask): Promise<void> {
    const d = deployed.descriptor;
    let location = `vertex ${d.vertexId} subtask ${d.subtaskIndex + 1} on ${this.id} (${this.address})`;
    const reporter = new StateReporter(this, d);
    reporter.report('DEPLOYING');
    try {
      const jobGraph = await this.plans.plan(d.jobId, d.attempt, d.spec!);
      const vertex = jobGraph.vertex(d.vertexId);
      location = `${vertex.name} (${d.subtaskIndex + 1}/${vertex.parallelism}) on ${this.id} (${this.address})`;
      if (deployed.canceled) {
        reporter.report('CANCELED');
        return;
      }
      const task = new Task({
        jobGraph,
        jobId: d.jobId,
        vertexId: d.vertexId,
        subtaskIndex: d.subtaskIndex,
        attemptNumber: d.attempt,
        inputGate: this.inputGate(jobGraph, deployed),
        writers: this.writers(jobGraph, deployed),
        bufferTimeoutMs: this.config.bufferTimeoutMs,
        awaitJobEnd: () => this.jobEnd(d.jobId, d.attempt).reached,
        ...this.checkpointingOf(jobGraph, d),
      });
      deployed.task = task;
      task.onStateChange((t) => {
        if (t.state === 'RUNNING' || t.state === 'FINISHING') reporter.report(t.state, t);
      });
      await task.run();
      reporter.report(task.state === 'CANCELED' ? 'CANCELED' : 'FINISHED', task);
      const m = task.metrics;
      this.log.info(
        { job: d.jobId, task: task.name, state: task.state, recordsIn: m.recordsIn, recordsOut: m.recordsOut, idleMs: m.idleMs, backpressuredMs: m.backpressuredMs },
        'Task ended',
      );
    } catch (error) {
      const cause = error instanceof TaskFailure ? error.cause : error;
      if (deployed.canceled) {
        reporter.report('CANCELED', deployed.task);
      } else {
        this.log.warn({ job: d.jobId, location, err: cause }, 'Task failed');
        reporter.report('FAILED', deployed.task, failureCauseOf(cause, location));
      }
    } finally {
      for (const input of deployed.remoteInputs) input.close();
      // A finished producer's subpartitions keep draining to their consumers on their own; only a
      // task that stopped early drops what it had queued.
      if (deployed.task?.state !== 'FINISHED') {
        for (const output of deployed.remoteOutputs) output.release(`Task ${location} stopped`);
      }
      await reporter.flushed();
    }
  }

  /** Checkpointing and restore for a task, when its job takes checkpoints or starts from one. */
  private checkpointingOf(jobGraph: JobGraph, d: TaskDeploymentDescriptor__Output): { checkpointing?: TaskCheckpointing; restore?: TaskRestore } {
    const config = jobGraph.descriptor.execution.checkpointing;
    const restoreCheckpointId = Number(d.restoreCheckpointId);
    if (config === null && restoreCheckpointId === 0) return {};
    if (this.checkpointStorage === undefined) throw new Error(`TaskManager ${this.id} has no checkpoint storage: the JobManager did not name one`);
    const acknowledgement = (ack: TaskCheckpointAck) => {
      const stateHandles: Record<string, string> = {};
      for (const [uid, handle] of Object.entries(ack.handles)) stateHandles[uid] = JSON.stringify(handle);
      return {
        jobId: d.jobId,
        attempt: d.attempt,
        checkpointId: ack.checkpointId,
        vertexId: ack.vertexId,
        subtaskIndex: ack.subtaskIndex,
        stateHandles,
        stateSize: ack.stateSize,
        finalState: ack.final ?? false,
        syncMs: ack.syncMs,
        asyncMs: ack.asyncMs,
      };
    };
    const checkpointing: TaskCheckpointing = {
      jobId: d.jobId,
      mode: config ? resolveCheckpointConfig(config).mode : 'exactly-once',
      storage: this.checkpointStorage,
      // Paused (SIGSTOP, a long GC) or cut off past the heartbeat timeout, this TaskManager may have
      // been declared lost and its attempts replaced; a stale attempt that woke up must not hand out
      // sink results for a checkpoint (triggered, or a barrier in flight, before the pause): the
      // replacing attempt already removed what its restored checkpoint does not cover, so whatever a
      // stale one hands out after that is never committed nor removed.
      inContact: () => Date.now() - this.lastJobManagerContact <= this.heartbeatTimeoutMs,
      responder: {
        acknowledge: (ack) => {
          call(this.jobManager, 'AcknowledgeCheckpoint', acknowledgement(ack)).catch((error: Error) =>
            this.log.warn({ job: d.jobId, checkpoint: ack.checkpointId, err: error }, 'Could not acknowledge a checkpoint'),
          );
        },
        // Awaited: the JobManager must hold a task's final state before it hears that the task ended.
        ...(config ? { reportFinalState: async (ack: TaskCheckpointAck) => void (await call(this.jobManager, 'AcknowledgeCheckpoint', acknowledgement(ack))) } : {}),
        decline: (checkpointId, vertexId, subtaskIndex, reason) => {
          const request = { jobId: d.jobId, attempt: d.attempt, checkpointId, vertexId, subtaskIndex, reason: failureCauseOf(reason, `${this.id}`) };
          call(this.jobManager, 'DeclineCheckpoint', request).catch((error: Error) =>
            this.log.warn({ job: d.jobId, checkpoint: checkpointId, err: error }, 'Could not decline a checkpoint'),
          );
        },
      },
    };
    if (restoreCheckpointId === 0) return { checkpointing };
    const operators: Record<string, OperatorCheckpoint> = {};
    for (const [uid, json] of Object.entries(d.restoreStateHandles)) operators[uid] = JSON.parse(json as string) as OperatorCheckpoint;
    return { checkpointing, restore: { checkpointId: restoreCheckpointId, operators } };
  }

  private tasksOf(jobId: string, attempt: number): Task[] {
    return [...this.tasks.values()].flatMap((t) => (t.task && t.descriptor.jobId === jobId && t.descriptor.attempt === attempt ? [t.task] : []));
  }

  private inputGate(jobGraph: JobGraph, deployed: DeployedTask): InputGate | null {
    const d = deployed.descriptor;
    if (jobGraph.inputsOf(d.vertexId).length === 0) return null;
    const channels: InputChannel[] = d.inputs.map((input) => {
      const id = { jobId: d.jobId, attempt: d.attempt, edgeId: input.edgeId, producerSubtask: input.producerSubtask, consumerSubtask: d.subtaskIndex };
      if (input.producerTaskManagerId === this.id) return this.registry.localChannel(channelKey(id), this.config.channelCapacity);
      const edge = jobGraph.edges[input.edgeId]!;
      const producerVertex = jobGraph.vertex(edge.sourceVertex);
      const remote = new RemoteInputChannel(
        this.exchangeClient(input.producerAddress),
        id,
        this.config.networkChannelBytes,
        `${producerVertex.name} (${input.producerSubtask + 1}/${producerVertex.parallelism}) on TaskManager ${input.producerTaskManagerId} (${input.producerAddress})`,
        this.id,
        input.producerTaskManagerId,
      );
      remote.start();
      deployed.remoteInputs.push(remote);
      return remote;
    });
    return new InputGate(channels, d.inputs.map((input) => input.edgeId));
  }

  private writers(jobGraph: JobGraph, deployed: DeployedTask): Map<number, RecordWriter> {
    const d = deployed.descriptor;
    const writers = new Map<number, RecordWriter>();
    for (const edge of jobGraph.outputsOf(d.vertexId)) {
      const consumers = d.outputs.filter((o) => o.edgeId === edge.id).sort((a, b) => a.consumerSubtask - b.consumerSubtask);
      const channels: ResultSubpartition[] = consumers.map((consumer) => {
        const key = channelKey({ jobId: d.jobId, attempt: d.attempt, edgeId: edge.id, producerSubtask: d.subtaskIndex, consumerSubtask: consumer.consumerSubtask });
        if (consumer.consumerTaskManagerId === this.id) return this.registry.localChannel(key, this.config.channelCapacity);
        const target = jobGraph.vertex(edge.targetVertex);
        const remote = new RemoteSubpartition(
          key,
          { bufferBytes: this.config.networkBufferBytes, capacityBytes: this.config.networkChannelBytes },
          `${target.name} (${consumer.consumerSubtask + 1}/${target.parallelism}) on TaskManager ${consumer.consumerTaskManagerId}`,
        );
        this.registry.registerRemote(remote);
        deployed.remoteOutputs.push(remote);
        return remote;
      });
      writers.set(
        edge.id,
        createRecordWriter({
          partitioner: edge.partitioner,
          channels,
          batchSize: this.config.batchSize,
          subtaskIndex: d.subtaskIndex,
          keySelector: jobGraph.inputKeySelector(edge),
          keyedOperatorName: jobGraph.node(edge.targetOperator).name,
          maxParallelism: jobGraph.vertex(edge.targetVertex).maxParallelism,
        }),
      );
    }
    return writers;
  }

  private cancel(deployed: DeployedTask): void {
    deployed.canceled = true;
    deployed.task?.cancel();
  }

  private releaseJob(jobId: string, attempt: number, reason: string): void {
    for (const deployed of this.tasks.values()) {
      if (deployed.descriptor.jobId === jobId && deployed.descriptor.attempt === attempt) this.cancel(deployed);
    }
    this.registry.release(jobAttemptPrefix(jobId, attempt), reason);
    this.plans.release(jobId, attempt);
    this.jobEnd(jobId, attempt).resolve(false);
    this.jobEnds.delete(`${jobId}/${attempt}`);
  }

  private jobEnd(jobId: string, attempt: number): { reached: Promise<boolean>; resolve: (commit: boolean) => void } {
    const key = `${jobId}/${attempt}`;
    let end = this.jobEnds.get(key);
    if (end === undefined) {
      let resolve!: (commit: boolean) => void;
      const reached = new Promise<boolean>((r) => (resolve = r));
      end = { reached, resolve };
      this.jobEnds.set(key, end);
    }
    return end;
  }

  private exchangeClient(address: string): ExchangeClient {
    let client = this.exchangeClients.get(address);
    if (client === undefined) {
      client = createExchangeClient(address);
      this.exchangeClients.set(address, client);
    }
    return client;
  }

  private async register(timeoutMs: number): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    let delay = 200;
    for (;;) {
      try {
        const response = await call(this.jobManager, 'RegisterTaskManager', {
          taskManagerId: this.id,
          address: this.address,
          slots: this.config.slots,
          pid: process.pid,
        });
        this.lastJobManagerContact = Date.now();
        // 0 from a JobManager that does not send it: no limit, as before.
        this.heartbeatTimeoutMs = response.heartbeatTimeoutMs > 0 ? response.heartbeatTimeoutMs : Number.POSITIVE_INFINITY;
        this.useCheckpointStorage(response.checkpointStorage, response.clusterId);
        this.log.info({ cluster: response.clusterId, checkpointStorage: response.checkpointStorage }, 'Registered with the JobManager');
        return response.heartbeatIntervalMs;
      } catch (error) {
        if (this.stopped) throw error;
        if (Date.now() + delay > deadline) {
          throw new Error(
            `Could not register with the JobManager at ${this.config.jobManagerAddress} within ${timeoutMs} ms: ${(error as Error).message}`,
            { cause: error },
          );
        }
        this.log.warn(`JobManager at ${this.config.jobManagerAddress} not reachable yet; retrying in ${delay} ms`);
        await new Promise((resolve) => setTimeout(resolve, delay));
        delay = Math.min(delay * 2, 5_000);
      }
    }
  }

  private useCheckpointStorage(url: string, clusterId: string): void {
    const key = `${url}#${clusterId}`;
    if (url === '' || key === this.checkpointStorageUrl) return;
    void this.checkpointStorage?.close().catch(() => {});
    this.checkpointStorage = openCheckpointStorage(url, clusterId);
    this.checkpointStorageUrl = key;
  }

  private async heartbeat(): Promise<void> {
    const tasks = [...this.tasks.values()].flatMap((t) =>
      t.task
        ? [{ jobId: t.descriptor.jobId, attempt: t.descriptor.attempt, vertexId: t.descriptor.vertexId, subtaskIndex: t.descriptor.subtaskIndex, recordsIn: t.task.metrics.recordsIn, recordsOut: t.task.metrics.recordsOut }]
        : [],
    );
    try {
      const response = await call(this.jobManager, 'Heartbeat', { taskManagerId: this.id, tasks }, { timeoutMs: 5_000 });
      // An answer that this TaskManager is unknown does not count as contact: its tasks are stale, and
      // must not take a checkpoint between now and their cancellation (see checkpointingOf).
      if (response.known) this.lastJobManagerContact = Date.now();
      if (!response.known && !this.stopped) {
        this.log.warn('The JobManager does not know this TaskManager (it restarted or marked it lost): cancelling tasks and registering again');
        for (const deployed of this.tasks.values()) this.cancel(deployed);
        clearInterval(this.heartbeatTimer);
        const interval = await this.register(this.config.registrationTimeoutMs);
        this.heartbeatTimer = setInterval(() => void this.heartbeat(), interval);
      }
    } catch (error) {
      const silentFor = Date.now() - this.lastJobManagerContact;
      if (silentFor > this.config.jobManagerTimeoutMs && this.tasks.size > 0) {
        this.log.error({ err: error }, `No answer from the JobManager for ${silentFor} ms: cancelling all tasks`);
        for (const deployed of this.tasks.values()) this.cancel(deployed);
      }
    }
  }

  /** @internal used by StateReporter */
  sendState(update: Parameters<JobManagerClient['UpdateTaskExecutionState']>[0]): Promise<unknown> {
    return call(this.jobManager, 'UpdateTaskExecutionState', update);
  }
}

function taskKey(jobId: string, attempt: number, vertexId: number, subtaskIndex: number): string {
  return `${jobId}/${attempt}/${vertexId}/${subtaskIndex}`;
}

/** Sends a task's state changes to the JobManager one after another, in the order they happened. */
class StateReporter {
  private chain: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly executor: TaskExecutor,
    private readonly d: TaskDeploymentDescriptor__Output,
  ) {}

  report(state: TaskState | 'CANCELED', task?: Task, failure?: FailureCause): void {
    const update = {
      taskManagerId: this.executor.id,
      jobId: this.d.jobId,
      attempt: this.d.attempt,
      vertexId: this.d.vertexId,
      subtaskIndex: this.d.subtaskIndex,
      state: state as ExecutionState,
      failure: failure ?? null,
      recordsIn: task?.metrics.recordsIn ?? 0,
      recordsOut: task?.metrics.recordsOut ?? 0,
    };
    this.chain = this.chain.then(() =>
      this.executor.sendState(update).catch((error: Error) =>
        this.executor.log.warn({ err: error, job: this.d.jobId }, `Could not report task state ${state}`),
      ),
    );
  }

  flushed(): Promise<unknown> {
    return this.chain;
  }
}
