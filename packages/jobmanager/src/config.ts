/** The JobManager's configuration: one schema, parsed once at the edge (flags over a YAML file). */
import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { SageError } from '@sage/core';

export const JobManagerConfigSchema = z.object({
  host: z.string().default('127.0.0.1'),
  port: z.number().int().min(0).max(65535).default(6123),
  /** Names this cluster in logs (and, with checkpoints, in storage keys). */
  clusterId: z.string().min(1).default('default'),
  /** TaskManagers heartbeat this often. */
  heartbeatIntervalMs: z.number().int().min(50).default(1_000),
  /** A TaskManager silent for this long is lost, and the tasks it ran fail. */
  heartbeatTimeoutMs: z.number().int().min(100).default(10_000),
  /** How long a job waits for enough free slots before it fails. */
  slotWaitTimeoutMs: z.number().int().min(0).default(30_000),
  /** Redis for job metadata and artifacts (so a restarted JobManager resumes its jobs) and, by default, checkpoints. */
  redis: z.string().regex(/^rediss?:\/\//, 'a redis:// URL, e.g. redis://127.0.0.1:6379').default('redis://127.0.0.1:6379'),
  /** Where checkpoints go: redis://… (default: the redis setting) or file:///dir on a file system every TaskManager shares. */
  checkpointStorage: z.string().regex(/^(rediss?|file):\/\//, 'a redis:// or file:/// URL').optional(),
  /** Defaults for jobs that enable checkpointing without setting these. */
  checkpointTimeoutMs: z.number().int().min(10).default(10 * 60_000),
  checkpointsRetained: z.number().int().min(1).default(1),
  tolerableCheckpointFailures: z.number().int().min(0).default(0),
  /**
   * Serves Prometheus metrics at http://host:metricsPort/metrics (9249, as Flink's Prometheus reporter);
   * 0 serves none. A port in use stops the JobManager at start with a message.
   */
  metricsPort: z.number().int().min(0).max(65535).default(9249),
  /**
   * How long a finished, failed or cancelled job is kept: its status in `sage list` / `sage status`, its
   * record, artifact and retained checkpoints in Redis (so it can be resumed from one with
   * --from-savepoint). Then all of it is deleted; savepoints are never deleted automatically.
   * One hour by default, as Flink's jobstore.expiration-time.
   */
  completedJobRetentionMs: z.number().int().min(1).default(60 * 60_000),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type JobManagerConfig = z.output<typeof JobManagerConfigSchema>;
export type JobManagerConfigInput = z.input<typeof JobManagerConfigSchema>;

/** A configuration file or flag the JobManager cannot use; the message names the setting. */
export class InvalidConfiguration extends SageError {
  constructor(message: string) {
    super('InvalidConfiguration', message);
  }
}

/** Reads an optional YAML file, applies overrides (flags), validates the result. */
export function loadJobManagerConfig(file: string | undefined, overrides: JobManagerConfigInput = {}): JobManagerConfig {
  let fromFile: unknown = {};
  if (file !== undefined) {
    try {
      fromFile = parseYaml(readFileSync(file, 'utf8')) ?? {};
    } catch (error) {
      throw new InvalidConfiguration(`Cannot read the configuration file ${file}: ${(error as Error).message}`);
    }
    if (typeof fromFile !== 'object' || Array.isArray(fromFile)) {
      throw new InvalidConfiguration(`${file} must hold a YAML mapping of settings (port: 6123, ...)`);
    }
  }
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
  const result = JobManagerConfigSchema.strict().safeParse({ ...(fromFile as object), ...defined });
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.') || 'config'}: ${i.message}`).join('; ');
    throw new InvalidConfiguration(`Invalid JobManager configuration${file ? ` in ${file}` : ''}: ${problems}`);
  }
  return result.data;
}
