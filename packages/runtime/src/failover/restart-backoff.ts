/**
 * Decides, failure by failure, whether a job restarts and after how long (Flink's restart
 * strategies). One instance lives as long as the job, across its attempts.
 */
import type { RestartStrategyConfig } from '@sage/core';

export class RestartBackoff {
  private restarts = 0;
  private failureTimes: number[] = [];
  private currentDelay = 0;
  private lastFailureAt = Number.NEGATIVE_INFINITY;

  constructor(
    readonly config: RestartStrategyConfig,
    private readonly random: () => number = Math.random,
  ) {}

  /** Number of restarts granted so far. */
  get restartCount(): number {
    return this.restarts;
  }

  /** A failure at `now`: the delay before the restart, or null when the strategy gives up. */
  onFailure(now: number = Date.now()): number | null {
    const config = this.config;
    let delay: number | null;
    switch (config.kind) {
      case 'none':
        delay = null;
        break;
      case 'fixed-delay':
        delay = this.restarts < config.attempts ? config.delayMs : null;
        break;
      case 'exponential-delay': {
        if (config.attempts !== undefined && this.restarts >= config.attempts) {
          delay = null;
          break;
        }
        // A long quiet spell means the cause is gone: start again from the shortest delay.
        if (this.currentDelay === 0 || now - this.lastFailureAt >= config.resetAfterMs) this.currentDelay = config.initialDelayMs;
        else this.currentDelay = Math.min(this.currentDelay * config.multiplier, config.maxDelayMs);
        const spread = this.currentDelay * config.jitter;
        delay = Math.max(0, Math.round(this.currentDelay + (this.random() * 2 - 1) * spread));
        break;
      }
      case 'failure-rate': {
        this.failureTimes = this.failureTimes.filter((t) => now - t < config.intervalMs);
        this.failureTimes.push(now);
        delay = this.failureTimes.length > config.maxFailures ? null : config.delayMs;
        break;
      }
    }
    this.lastFailureAt = now;
    if (delay !== null) this.restarts++;
    return delay;
  }

  /** Says why the job will not restart again, for its failure cause. */
  describeExhausted(): string {
    const config = this.config;
    switch (config.kind) {
      case 'none':
        return 'the job has no restart strategy (enable checkpointing, or set one with env.setRestartStrategy)';
      case 'fixed-delay':
        return `the fixed-delay restart strategy allows ${config.attempts} restart${config.attempts === 1 ? '' : 's'} and all were used`;
      case 'exponential-delay':
        return `the exponential-delay restart strategy allows ${config.attempts} restarts and all were used`;
      case 'failure-rate':
        return `more than ${config.maxFailures} failure${config.maxFailures === 1 ? '' : 's'} within ${config.intervalMs} ms (failure-rate restart strategy)`;
    }
  }
}
