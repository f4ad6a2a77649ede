import { describe, expect, it } from 'vitest';
import { IllegalOperatorUsage } from '../errors.js';
import { hours, minutes, seconds } from '../time/durations.js';
import { ValueStateDescriptor } from './descriptors.js';
import { StateTtlConfig, StateVisibility, UpdateType } from './state-ttl-config.js';

describe('StateTtlConfig', () => {
  it('builds with Flink defaults: OnCreateAndWrite, NeverReturnExpired, 5 entries of incremental cleanup', () => {
    const config = StateTtlConfig.newBuilder(minutes(10)).build();
    expect(config.getTtl()).toBe(600_000);
    expect(config.isEnabled()).toBe(true);
    expect(config.getUpdateType()).toBe(UpdateType.OnCreateAndWrite);
    expect(config.getStateVisibility()).toBe(StateVisibility.NeverReturnExpired);
    expect(config.getCleanupStrategies()).toEqual({ inFullSnapshot: false, incremental: { cleanupSize: 5, runCleanupForEveryRecord: false } });
  });

  it('takes every option of the builder', () => {
    const config = StateTtlConfig.newBuilder(seconds(1))
      .setUpdateType(UpdateType.OnReadAndWrite)
      .setStateVisibility(StateVisibility.NeverReturnExpired)
      .cleanupFullSnapshot()
      .cleanupIncrementally(10, true)
      .setTtl(hours(2))
      .build();
    expect(config.getTtl()).toBe(7_200_000);
    expect(config.getUpdateType()).toBe('OnReadAndWrite');
    expect(config.getCleanupStrategies()).toEqual({ inFullSnapshot: true, incremental: { cleanupSize: 10, runCleanupForEveryRecord: true } });
    expect(StateTtlConfig.newBuilder(1).disableCleanupInBackground().build().getCleanupStrategies().incremental).toBeUndefined();
  });

  it('refuses what it cannot honour, saying what to write instead', () => {
    expect(() => StateTtlConfig.newBuilder(0)).toThrow(
      'A state TTL must be a positive, finite number of milliseconds, got 0: write e.g. minutes(10) or 600000',
    );
    expect(() => StateTtlConfig.newBuilder(Number.NaN)).toThrow(IllegalOperatorUsage);
    expect(() => StateTtlConfig.newBuilder(1).setStateVisibility(StateVisibility.ReturnExpiredIfNotCleanedUp)).toThrow(
      /"ReturnExpiredIfNotCleanedUp" is not supported: Sage never returns expired state\. Use StateVisibility\.NeverReturnExpired/,
    );
    expect(() => StateTtlConfig.newBuilder(1).cleanupIncrementally(0, false)).toThrow(
      'cleanupIncrementally needs a whole number of entries of at least 1, got 0: try 10',
    );
  });

  it('is off on a descriptor until enableTimeToLive', () => {
    const descriptor = new ValueStateDescriptor<number>('count');
    expect(descriptor.getTtlConfig().isEnabled()).toBe(false);
    const config = StateTtlConfig.newBuilder(100).build();
    descriptor.enableTimeToLive(config);
    expect(descriptor.getTtlConfig()).toBe(config);
  });
});
