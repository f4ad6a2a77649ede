/**
 * The JobManager process: a gRPC server in front of the Dispatcher (clients) and the ResourceManager
 * (TaskManagers).
 */
import * as grpc from '@grpc/grpc-js';
import { bindServer, MAX_MESSAGE_BYTES, sageProtos, shutdownServer, type JobManagerHandlers } from '@sage/rpc';
import { createLogger, serveMetrics, type Logger, type MetricsEndpoint } from '@sage/observability';
import { openCheckpointStorage, RedisJobStore } from '@sage/checkpoint-redis';
import type { CheckpointStorage } from '@sage/runtime';
import type { JobManagerConfig } from './config.js';
import { Dispatcher, InvalidSubmission, UnknownJob } from './dispatcher/dispatcher.js';
import { JobManagerMetrics } from './metrics/job-manager-metrics.js';
import { ResourceManager } from './resourcemanager/resource-manager.js';

export class JobManager {
  readonly log: Logger;
  readonly resources: ResourceManager;
  readonly dispatcher: Dispatcher;
  private readonly store: RedisJobStore;
  private readonly checkpointStorage: CheckpointStorage;
  private readonly checkpointStorageUrl: string;
  private readonly server = new grpc.Server({
    'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
    'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
  });
  private addressValue = '';
  readonly metrics = new JobManagerMetrics();
  private metricsEndpoint: MetricsEndpoint | undefined;

  constructor(private readonly config: JobManagerConfig) {
    this.log = createLogger({ component: 'jobmanager', level: config.logLevel, base: { cluster: config.clusterId } });
    this.resources = new ResourceManager(config.heartbeatTimeoutMs, this.log);
    this.store = new RedisJobStore({ redis: config.redis, clusterId: config.clusterId });
    this.checkpointStorageUrl = config.checkpointStorage ?? config.redis;
    this.checkpointStorage = openCheckpointStorage(this.checkpointStorageUrl, config.clusterId);
    this.dispatcher = new Dispatcher(this.resources, this.log, {
      slotWaitTimeoutMs: config.slotWaitTimeoutMs,
      store: this.store,
      checkpointStorage: this.checkpointStorage,
      checkpointDefaults: {
        timeoutMs: config.checkpointTimeoutMs,
        retained: config.checkpointsRetained,
        tolerableFailures: config.tolerableCheckpointFailures,
      },
      completedJobRetentionMs: config.completedJobRetentionMs,
      metrics: this.metrics,
    });
  }

  get address(): string {
    return this.addressValue;
  }

  async start(): Promise<void> {
    await this.store.ping(5_000, this.config.redis);
    // Before anything else is bound: a taken metrics port stops the start with nothing left half-open.
    if (this.config.metricsPort !== 0) this.metricsEndpoint = await serveMetrics(this.metrics.registry, this.config.host, this.config.metricsPort);
    this.server.addService(sageProtos().sage.v1.JobManager.service, this.handlers());
    const port = await bindServer(this.server, this.config.host, this.config.port);
    this.addressValue = `${this.config.host}:${port}`;
    this.resources.start();
    const recovered = await this.dispatcher.recover();
    const metrics = this.metricsEndpoint ? `http://${this.config.host}:${this.metricsEndpoint.port}/metrics` : 'off';
    this.log.info({ address: this.addressValue, metrics, recoveredJobs: recovered, checkpointStorage: this.checkpointStorageUrl }, 'JobManager started');
  }

  /**
   * Stops the running jobs' tasks and stops serving. The jobs stay in the job store as running, so a
   * JobManager started again with the same cluster id and Redis resumes them (cancel a job first to
   * end it for good).
   */
  async stop(): Promise<void> {
    await Promise.race([this.dispatcher.suspendAll(), new Promise((resolve) => setTimeout(resolve, 10_000))]);
    this.resources.stop();
    await shutdownServer(this.server);
    await this.metricsEndpoint?.close();
    await this.store.close();
    await this.checkpointStorage.close();
    this.log.info('JobManager stopped');
  }

  private handlers(): JobManagerHandlers {
    const { dispatcher, resources, config } = this;
    return {
      SubmitJob: (rpc, callback) => {
        dispatcher.submit(rpc.request).then(
          (jobId) => callback(null, { jobId }),
          (error: unknown) => callback(toStatus(error)),
        );
      },
      ListJobs: (_rpc, callback) => callback(null, { jobs: dispatcher.list().map((j) => j.summary()) }),
      GetJob: (rpc, callback) => {
        try {
          callback(null, dispatcher.job(rpc.request.jobId).details());
        } catch (error) {
          callback(toStatus(error));
        }
      },
      CancelJob: (rpc, callback) => {
        try {
          const job = dispatcher.job(rpc.request.jobId);
          job.cancel();
          callback(null, { state: job.state as never });
        } catch (error) {
          callback(toStatus(error));
        }
      },
      TriggerSavepoint: (rpc, callback) => {
        const { jobId, stop } = rpc.request;
        let job;
        try {
          job = dispatcher.job(jobId);
        } catch (error) {
          callback(toStatus(error));
          return;
        }
        job.triggerSavepoint(stop).then(
          (savepoint) => callback(null, { savepointId: `${jobId}/${savepoint.checkpointId}`, checkpointId: savepoint.checkpointId, stateSize: stateSizeOf(savepoint) }),
          (error: Error) => callback({ code: grpc.status.FAILED_PRECONDITION, details: error.message }),
        );
      },
      RegisterTaskManager: (rpc, callback) => {
        const r = rpc.request;
        resources.register(r.taskManagerId, r.address, r.slots, r.pid);
        callback(null, { clusterId: config.clusterId, heartbeatIntervalMs: config.heartbeatIntervalMs, heartbeatTimeoutMs: config.heartbeatTimeoutMs, checkpointStorage: this.checkpointStorageUrl });
      },
      Heartbeat: (rpc, callback) => {
        const known = resources.heartbeat(rpc.request.taskManagerId);
        if (known) {
          for (const report of rpc.request.tasks) {
            try {
              dispatcher.job(report.jobId).onMetrics(report);
            } catch {
              // A report for a job this JobManager no longer knows: nothing to update.
            }
          }
        }
        callback(null, { known });
      },
      UpdateTaskExecutionState: (rpc, callback) => {
        try {
          dispatcher.job(rpc.request.jobId).onTaskState(rpc.request);
          callback(null, {});
        } catch (error) {
          callback(toStatus(error));
        }
      },
      GetArtifact: (rpc, callback) => {
        const content = dispatcher.artifact(rpc.request.artifactHash);
        if (!content) callback({ code: grpc.status.NOT_FOUND, details: `No artifact ${rpc.request.artifactHash}` });
        else callback(null, { artifactHash: rpc.request.artifactHash, content });
      },
      AcknowledgeCheckpoint: (rpc, callback) => {
        try {
          dispatcher.job(rpc.request.jobId).onCheckpointAck(rpc.request);
          callback(null, {});
        } catch (error) {
          callback(toStatus(error));
        }
      },
      DeclineCheckpoint: (rpc, callback) => {
        try {
          dispatcher.job(rpc.request.jobId).onCheckpointDecline(rpc.request);
          callback(null, {});
        } catch (error) {
          callback(toStatus(error));
        }
      },
    };
  }
}

function stateSizeOf(checkpoint: { readonly operators: Readonly<Record<string, { readonly subtasks: Readonly<Record<number, { readonly bytes: number }>> }>> }): number {
  let size = 0;
  for (const operator of Object.values(checkpoint.operators)) for (const handle of Object.values(operator.subtasks)) size += handle.bytes;
  return size;
}

function toStatus(error: unknown): Partial<grpc.StatusObject> {
  const message = (error as Error).message ?? String(error);
  if (error instanceof UnknownJob) return { code: grpc.status.NOT_FOUND, details: message };
  if (error instanceof InvalidSubmission) return { code: grpc.status.INVALID_ARGUMENT, details: message };
  return { code: grpc.status.INTERNAL, details: message };
}
