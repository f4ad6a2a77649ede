/** The TaskManager's configuration: one schema, parsed once at the edge (CLI flags, config file). */
import { z } from 'zod';
import { SageError } from '@sage/core';

const address = z.string().regex(/^[^:\s]+:\d+$/, 'expected HOST:PORT, e.g. 127.0.0.1:6123');

export const TaskManagerConfigSchema = z.object({
  /** The JobManager's gRPC address. */
  jobManagerAddress: address,
  /** Address to listen on for deployments and record exchange. */
  host: z.string().default('127.0.0.1'),
  /**
   * The host other processes reach this TaskManager at. Defaults to `host`, or to this machine's
   * hostname when listening on every interface (0.0.0.0), as in a container.
   */
  advertisedHost: z.string().min(1).optional(),
  /** Port to listen on; 0 picks a free one. */
  port: z.number().int().min(0).max(65535).default(0),
  /** Stable id; defaults to one made from the host and port. */
  id: z.string().min(1).optional(),
  /** How many subtasks of each vertex this TaskManager runs at once (Flink's task slots). */
  slots: z.number().int().min(1).default(1),
  /** Records per network batch. */
  batchSize: z.number().int().min(1).default(1024),
  /** Batches a channel between two subtasks of this TaskManager holds before its producer waits. */
  channelCapacity: z.number().int().min(1).default(8),
  /** A channel to another TaskManager sends its records in buffers of about this many bytes. */
  networkBufferBytes: z.number().int().min(1).default(64 * 1024),
  /**
   * Bytes a channel to another TaskManager may have in flight: the credit its consumer grants, and
   * what its producer queues before it waits. Enough to keep records flowing while the other process
   * is busy for a few milliseconds between network turns.
   */
  networkChannelBytes: z.number().int().min(1).default(1024 * 1024),
  /** A partial batch waits at most this long before it is sent. */
  bufferTimeoutMs: z.number().int().min(0).default(100),
  /** How long to keep trying to register before giving up. */
  registrationTimeoutMs: z.number().int().min(1).default(300_000),
  /** Cancel every task when the JobManager has not answered heartbeats for this long. */
  jobManagerTimeoutMs: z.number().int().min(1).default(30_000),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type TaskManagerConfig = z.output<typeof TaskManagerConfigSchema>;
export type TaskManagerConfigInput = z.input<typeof TaskManagerConfigSchema>;

/** A TaskManager flag or setting it cannot use; the message names it. */
export class InvalidConfiguration extends SageError {
  constructor(message: string) {
    super('InvalidConfiguration', message);
  }
}

export function parseTaskManagerConfig(input: TaskManagerConfigInput): TaskManagerConfig {
  const result = TaskManagerConfigSchema.safeParse(input);
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.') || 'config'}: ${i.message}`).join('; ');
    throw new InvalidConfiguration(`Invalid TaskManager configuration: ${problems}`);
  }
  return result.data;
}
