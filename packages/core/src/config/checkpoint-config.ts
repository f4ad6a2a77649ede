/**
 * Checkpointing as a job asks for it with `env.enableCheckpointing(intervalMs, options)`. Options left
 * out take the cluster's defaults (the JobManager's config, or Flink's defaults in a local run), which is
 * why every field but the interval is optional here and resolved only where the job runs.
 */
import { InvalidJobGraph } from '../errors.js';

/** Exactly-once aligns barriers across inputs; at-least-once does not, and may replay records after a restore. */
export type CheckpointingMode = 'exactly-once' | 'at-least-once';

/**
 * What a restore does when the newest checkpoint cannot be read: `fall-back` restores the newest older
 * checkpoint that can, `fail` ends the job FAILED so an operator decides.
 */
export type CorruptCheckpointPolicy = 'fall-back' | 'fail';

export interface CheckpointingOptions {
  readonly mode?: CheckpointingMode;
  /** A checkpoint not complete after this long is aborted. Default 10 minutes. */
  readonly timeoutMs?: number;
  /** Least time from the end of one checkpoint to the start of the next. Default 0. */
  readonly minPauseMs?: number;
  /** Checkpoints in flight at once. Default 1. */
  readonly maxConcurrent?: number;
  /** Failed checkpoints in a row the job tolerates before it fails (and restarts). Default 0. */
  readonly tolerableFailures?: number;
  /** Completed checkpoints kept; older ones are deleted. Savepoints are never deleted. Default 1. */
  readonly retained?: number;
  /**
   * When a restart finds the newest checkpoint damaged (its metadata or a state blob unreadable):
   * `'fall-back'` restores the newest older checkpoint that is intact, and the job's exception history,
   * `sage status` and the `sage_job_restore_fallbacks_total` metric say which one was skipped and why.
   * Sinks then repeat the output they committed after that older checkpoint (exactly-once sinks once
   * more, in new files or transactions). `'fail'` ends the job FAILED instead, naming the damaged
   * checkpoint, so an operator decides (resume with `--from-savepoint <job>/<older id>`, or from scratch).
   * @default 'fall-back'
   */
  readonly onCorruptCheckpoint?: CorruptCheckpointPolicy;
}

export interface CheckpointConfig extends CheckpointingOptions {
  readonly intervalMs: number;
}

export type ResolvedCheckpointConfig = Required<CheckpointConfig>;

export const CHECKPOINT_DEFAULTS: Omit<ResolvedCheckpointConfig, 'intervalMs'> = {
  mode: 'exactly-once',
  timeoutMs: 10 * 60_000,
  minPauseMs: 0,
  maxConcurrent: 1,
  tolerableFailures: 0,
  retained: 1,
  onCorruptCheckpoint: 'fall-back',
};

/** Checks what a job module passed, so a typo fails at plan time with the option's name. */
export function checkCheckpointConfig(config: CheckpointConfig): CheckpointConfig {
  const positive = (name: string, value: number | undefined, min: number) => {
    if (value !== undefined && (!Number.isSafeInteger(value) || value < min)) {
      throw new InvalidJobGraph(`enableCheckpointing: ${name} must be a whole number ≥ ${min}, got ${String(value)}`);
    }
  };
  positive('intervalMs', config.intervalMs, 10);
  positive('timeoutMs', config.timeoutMs, 10);
  positive('minPauseMs', config.minPauseMs, 0);
  positive('maxConcurrent', config.maxConcurrent, 1);
  positive('tolerableFailures', config.tolerableFailures, 0);
  positive('retained', config.retained, 1);
  if (config.mode !== undefined && config.mode !== 'exactly-once' && config.mode !== 'at-least-once') {
    throw new InvalidJobGraph(`enableCheckpointing: mode must be 'exactly-once' or 'at-least-once', got ${JSON.stringify(config.mode)}`);
  }
  if (config.onCorruptCheckpoint !== undefined && config.onCorruptCheckpoint !== 'fall-back' && config.onCorruptCheckpoint !== 'fail') {
    throw new InvalidJobGraph(`enableCheckpointing: onCorruptCheckpoint must be 'fall-back' or 'fail', got ${JSON.stringify(config.onCorruptCheckpoint)}`);
  }
  return { ...config };
}

export function resolveCheckpointConfig(
  config: CheckpointConfig,
  defaults: Partial<Omit<ResolvedCheckpointConfig, 'intervalMs'>> = {},
): ResolvedCheckpointConfig {
  const merged: Record<string, unknown> = { ...CHECKPOINT_DEFAULTS, ...defaults };
  for (const [name, value] of Object.entries(config)) if (value !== undefined) merged[name] = value;
  return merged as unknown as ResolvedCheckpointConfig;
}
