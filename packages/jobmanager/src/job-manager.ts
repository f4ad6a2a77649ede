/**
 * The JobManager process: a gRPC server in front of the Dispatcher (clients) and the ResourceManager
 * (TaskManagers).
 */
import * as grpc from '@grpc/grpc-js';
import { bindServer, MAX_MESSAGE_BYTES, sageProtos, shutdownServer, type JobManagerHandlers } from '@sage/rpc';
import { createLogger, type Logger } from '@sage/observability';
import type { JobManagerConfig } from './config.js';
import { Dispatcher, InvalidSubmission, UnknownJob } from './dispatcher/dispatcher.js';
import { ResourceManager } from './resourcemanager/resource-manager.js';

export class JobManager {
  readonly log: Logger;
  readonly resources: ResourceManager;
  readonly dispatcher: Dispatcher;
  private readonly server = new grpc.Server({
    'grpc.max_receive_message_length': MAX_MESSAGE_BYTES,
    'grpc.max_send_message_length': MAX_MESSAGE_BYTES,
  });
  private addressValue = '';

  constructor(private readonly config: JobManagerConfig) {
    this.log = createLogger({ component: 'jobmanager', level: config.logLevel, base: { cluster: config.clusterId } });
    this.resources = new ResourceManager(config.heartbeatTimeoutMs, this.log);
    this.dispatcher = new Dispatcher(this.resources, this.log, config.slotWaitTimeoutMs);
  }

  get address(): string {
    return this.addressValue;
  }

  async start(): Promise<void> {
    this.server.addService(sageProtos().sage.v1.JobManager.service, this.handlers());
    const port = await bindServer(this.server, this.config.host, this.config.port);
    this.addressValue = `${this.config.host}:${port}`;
    this.resources.start();
    this.log.info({ address: this.addressValue }, 'JobManager started');
  }

  /** Cancels running jobs (there is no store to resume them from yet), then stops serving. */
  async stop(): Promise<void> {
    await Promise.race([this.dispatcher.cancelAll(), new Promise((resolve) => setTimeout(resolve, 10_000))]);
    this.resources.stop();
    await shutdownServer(this.server);
    this.log.info('JobManager stopped');
  }

  private handlers(): JobManagerHandlers {
    const { dispatcher, resources, config } = this;
    return {
      SubmitJob: (rpc, callback) => {
        try {
          callback(null, { jobId: dispatcher.submit(rpc.request) });
        } catch (error) {
          callback(toStatus(error));
        }
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
      RegisterTaskManager: (rpc, callback) => {
        const r = rpc.request;
        resources.register(r.taskManagerId, r.address, r.slots, r.pid);
        callback(null, { clusterId: config.clusterId, heartbeatIntervalMs: config.heartbeatIntervalMs });
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
      AcknowledgeCheckpoint: (_rpc, callback) => callback({ code: grpc.status.UNIMPLEMENTED, details: 'Checkpoints are not enabled on this JobManager' }),
      DeclineCheckpoint: (_rpc, callback) => callback({ code: grpc.status.UNIMPLEMENTED, details: 'Checkpoints are not enabled on this JobManager' }),
    };
  }
}

function toStatus(error: unknown): Partial<grpc.StatusObject> {
  const message = (error as Error).message ?? String(error);
  if (error instanceof UnknownJob) return { code: grpc.status.NOT_FOUND, details: message };
  if (error instanceof InvalidSubmission) return { code: grpc.status.INVALID_ARGUMENT, details: message };
  return { code: grpc.status.INTERNAL, details: message };
}
