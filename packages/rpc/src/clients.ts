/**
 * Typed clients and a promise wrapper for unary calls. Every call has a deadline, so an unreachable
 * peer becomes an error that names its address instead of a hang.
 */
import * as grpc from '@grpc/grpc-js';
import { CHANNEL_OPTIONS, EXCHANGE_CHANNEL_OPTIONS } from './channel-options.js';
import type { ExchangeClient } from './generated/sage/v1/Exchange.js';
import type { JobManagerClient } from './generated/sage/v1/JobManager.js';
import type { TaskManagerClient } from './generated/sage/v1/TaskManager.js';
import { sageProtos } from './protos.js';

export function createJobManagerClient(address: string): JobManagerClient {
  return new (sageProtos().sage.v1.JobManager)(address, grpc.credentials.createInsecure(), CHANNEL_OPTIONS);
}

export function createTaskManagerClient(address: string): TaskManagerClient {
  return new (sageProtos().sage.v1.TaskManager)(address, grpc.credentials.createInsecure(), CHANNEL_OPTIONS);
}

export function createExchangeClient(address: string): ExchangeClient {
  return new (sageProtos().sage.v1.Exchange)(address, grpc.credentials.createInsecure(), EXCHANGE_CHANNEL_OPTIONS);
}

/** A failed call to a Sage process, with the peer's address and what to check. */
export class RpcError extends Error {
  readonly code = 'RpcError';

  constructor(
    readonly address: string,
    readonly method: string,
    readonly status: grpc.status | undefined,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'RpcError';
  }
}

/** Request and response types of a generated unary method (read from its last overload). */
type Unary<F> = F extends (argument: infer Req, callback: grpc.requestCallback<infer Res>) => grpc.ClientUnaryCall ? [Req, Res] : never;

/** Calls a unary method by name; rejects with an RpcError that says who did not answer and why. */
export function call<C extends grpc.Client, M extends keyof C & string>(
  client: C,
  method: M,
  request: Unary<C[M]>[0],
  { timeoutMs = 10_000 }: { timeoutMs?: number } = {},
): Promise<Unary<C[M]>[1]> {
  const address = client.getChannel().getTarget();
  const invoke = client[method] as unknown as (
    request: unknown,
    metadata: grpc.Metadata,
    options: grpc.CallOptions,
    callback: (error: grpc.ServiceError | null, response?: unknown) => void,
  ) => grpc.ClientUnaryCall;
  return new Promise((resolve, reject) => {
    invoke.call(client, request, new grpc.Metadata(), { deadline: Date.now() + timeoutMs }, (error, response) => {
      if (error) {
        const unreachable = error.code === grpc.status.UNAVAILABLE || error.code === grpc.status.DEADLINE_EXCEEDED;
        const detail = unreachable
          ? `cannot reach ${address} (${error.details || grpc.status[error.code]}): check that the process is running and the address is right`
          : error.details || error.message;
        reject(new RpcError(address, method, error.code, `${method} on ${address} failed: ${detail}`, { cause: error }));
      } else {
        resolve(response as Unary<C[M]>[1]);
      }
    });
  });
}

/** Starts a gRPC server on host:port (port 0 picks a free one) and resolves the bound port. */
export function bindServer(server: grpc.Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.bindAsync(`${host}:${port}`, grpc.ServerCredentials.createInsecure(), (error, bound) => {
      if (error) {
        reject(new Error(`Cannot listen on ${host}:${port}: ${error.message} — choose another port with --port`, { cause: error }));
      } else {
        resolve(bound);
      }
    });
  });
}

/** Stops accepting calls and waits for running ones, forcing the rest after `graceMs`. */
export function shutdownServer(server: grpc.Server, graceMs = 2_000): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      server.forceShutdown();
      resolve();
    }, graceMs);
    server.tryShutdown(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
