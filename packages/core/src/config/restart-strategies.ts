/**
 * What a job does when a task fails or a TaskManager is lost, as Flink's restart strategies: restart
 * after a fixed delay up to a number of attempts, after a growing delay, or as long as failures stay
 * under a rate. The configuration is plain data so it travels in the JobGraph; the runtime decides.
 */
import { InvalidJobGraph } from '../errors.js';

export type RestartStrategyConfig =
  | { readonly kind: 'none' }
  | { readonly kind: 'fixed-delay'; readonly attempts: number; readonly delayMs: number }
  | {
      readonly kind: 'exponential-delay';
      readonly initialDelayMs: number;
      readonly maxDelayMs: number;
      readonly multiplier: number;
      /** After this long without a failure, the delay starts again from initialDelayMs. */
      readonly resetAfterMs: number;
      /** Each delay is moved by up to this fraction, at random, so restarts of many jobs spread out. */
      readonly jitter: number;
      /** Restarts allowed in all; unlimited when left out. */
      readonly attempts?: number;
    }
  | {
      readonly kind: 'failure-rate';
      /** More failures than this within intervalMs end the job. */
      readonly maxFailures: number;
      readonly intervalMs: number;
      readonly delayMs: number;
    };

export const RestartStrategies = {
  /** Fail the job at its first failure. */
  none(): RestartStrategyConfig {
    return { kind: 'none' };
  },

  fixedDelay(options: { attempts: number; delayMs?: number }): RestartStrategyConfig {
    return check({ kind: 'fixed-delay', attempts: options.attempts, delayMs: options.delayMs ?? 1_000 });
  },

  exponentialDelay(
    options: { initialDelayMs?: number; maxDelayMs?: number; multiplier?: number; resetAfterMs?: number; jitter?: number; attempts?: number } = {},
  ): RestartStrategyConfig {
    const config: RestartStrategyConfig = {
      kind: 'exponential-delay',
      initialDelayMs: options.initialDelayMs ?? 1_000,
      maxDelayMs: options.maxDelayMs ?? 60_000,
      multiplier: options.multiplier ?? 1.5,
      resetAfterMs: options.resetAfterMs ?? 60 * 60_000,
      jitter: options.jitter ?? 0.1,
      ...(options.attempts === undefined ? {} : { attempts: options.attempts }),
    };
    return check(config);
  },

  failureRate(options: { maxFailures: number; intervalMs: number; delayMs?: number }): RestartStrategyConfig {
    return check({ kind: 'failure-rate', maxFailures: options.maxFailures, intervalMs: options.intervalMs, delayMs: options.delayMs ?? 1_000 });
  },
};

/**
 * Without a strategy of its own a job does what Flink (1.19 and later) does: no restart without
 * checkpoints (a restart would replay everything), and with them exponential-delay restarts without
 * limit: 1 s, then 1.5 times longer after each failure in a row up to 1 min, ±10 % jitter, and back to
 * 1 s after an hour without failure. A job that fails on every attempt so backs off instead of
 * restarting every second forever; each restart and its cause show in `sage run` and `sage status`.
 */
export function defaultRestartStrategy(checkpointing: boolean): RestartStrategyConfig {
  return checkpointing
    ? RestartStrategies.exponentialDelay({ initialDelayMs: 1_000, maxDelayMs: 60_000, multiplier: 1.5, resetAfterMs: 60 * 60_000, jitter: 0.1 })
    : { kind: 'none' };
}

function check(config: RestartStrategyConfig): RestartStrategyConfig {
  const whole = (name: string, value: number | undefined, min: number) => {
    if (value !== undefined && (!Number.isSafeInteger(value) || value < min)) {
      throw new InvalidJobGraph(`RestartStrategies.${config.kind}: ${name} must be a whole number ≥ ${min}, got ${String(value)}`);
    }
  };
  switch (config.kind) {
    case 'none':
      break;
    case 'fixed-delay':
      whole('attempts', config.attempts, 0);
      whole('delayMs', config.delayMs, 0);
      break;
    case 'exponential-delay':
      whole('initialDelayMs', config.initialDelayMs, 1);
      whole('maxDelayMs', config.maxDelayMs, config.initialDelayMs);
      whole('resetAfterMs', config.resetAfterMs, 1);
      whole('attempts', config.attempts, 0);
      if (!(config.multiplier >= 1)) throw new InvalidJobGraph(`RestartStrategies.exponentialDelay: multiplier must be ≥ 1, got ${config.multiplier}`);
      if (!(config.jitter >= 0 && config.jitter <= 1)) throw new InvalidJobGraph(`RestartStrategies.exponentialDelay: jitter must be from 0 to 1, got ${config.jitter}`);
      break;
    case 'failure-rate':
      whole('maxFailures', config.maxFailures, 1);
      whole('intervalMs', config.intervalMs, 1);
      whole('delayMs', config.delayMs, 0);
      break;
  }
  return config;
}
