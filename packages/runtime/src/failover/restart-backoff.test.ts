import { describe, expect, it } from 'vitest';
import { RestartStrategies } from '@sage/core';
import { RestartBackoff } from './restart-backoff.js';

describe('RestartBackoff', () => {
  it('fixed delay: the same delay up to the number of attempts', () => {
    const backoff = new RestartBackoff(RestartStrategies.fixedDelay({ attempts: 2, delayMs: 500 }));
    expect([backoff.onFailure(0), backoff.onFailure(1), backoff.onFailure(2)]).toEqual([500, 500, null]);
    expect(backoff.describeExhausted()).toMatch(/allows 2 restarts/);
  });

  it('exponential delay: grows to the maximum, with jitter, and resets after a quiet spell', () => {
    const backoff = new RestartBackoff(
      RestartStrategies.exponentialDelay({ initialDelayMs: 100, maxDelayMs: 1_000, multiplier: 3, resetAfterMs: 10_000, jitter: 0.1 }),
      () => 1, // the largest jitter upwards
    );
    expect([0, 1, 2, 3].map((t) => backoff.onFailure(t))).toEqual([110, 330, 990, 1_100]);
    expect(backoff.onFailure(20_000)).toBe(110);
  });

  it('failure rate: restarts while failures stay under the rate', () => {
    const backoff = new RestartBackoff(RestartStrategies.failureRate({ maxFailures: 2, intervalMs: 1_000, delayMs: 5 }));
    expect([backoff.onFailure(0), backoff.onFailure(100), backoff.onFailure(1_500), backoff.onFailure(1_600)]).toEqual([5, 5, 5, 5]);
    expect(backoff.onFailure(1_700)).toBeNull();
  });

  it('none: never restarts', () => {
    expect(new RestartBackoff(RestartStrategies.none()).onFailure()).toBeNull();
  });
});
