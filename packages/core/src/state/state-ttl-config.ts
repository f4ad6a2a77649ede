/**
 * Time-to-live of keyed state, with Flink's API: a value not written (or, with OnReadAndWrite, not read
 * either) for `ttl` ms is expired, is never returned again, and is dropped by cleanup so that state
 * with ever new keys (sessions, joins, per-user tallies) does not grow without bound.
 *
 * ```ts
 * const ttl = StateTtlConfig.newBuilder(minutes(10))
 *   .setUpdateType(UpdateType.OnReadAndWrite)
 *   .cleanupFullSnapshot()
 *   .build();
 * descriptor.enableTimeToLive(ttl);
 * ```
 *
 * Time is processing time, as in Flink (event-time TTL is not supported there either). MapState
 * expires per map entry and ListState per element, as Flink's do; the other kinds per value.
 */
import { IllegalOperatorUsage } from '../errors.js';

/** When an entry's time to live starts again. */
export const UpdateType = {
  /** TTL is off: the config does nothing (StateTtlConfig.DISABLED). */
  Disabled: 'Disabled',
  /** The clock restarts when the entry is created or written. Flink's and Sage's default. */
  OnCreateAndWrite: 'OnCreateAndWrite',
  /** The clock restarts on reads too: state that is used stays. */
  OnReadAndWrite: 'OnReadAndWrite',
} as const;
export type UpdateType = (typeof UpdateType)[keyof typeof UpdateType];

/** Whether an expired entry that cleanup has not removed yet may still be read. */
export const StateVisibility = {
  /** Expired entries are never returned. The only visibility Sage supports. */
  NeverReturnExpired: 'NeverReturnExpired',
  /** Flink's option to return an expired entry until it is cleaned up; Sage refuses it (see build()). */
  ReturnExpiredIfNotCleanedUp: 'ReturnExpiredIfNotCleanedUp',
} as const;
export type StateVisibility = (typeof StateVisibility)[keyof typeof StateVisibility];

/** Check `cleanupSize` entries of the state at every access (and, if asked, for every record). */
export interface IncrementalCleanupStrategy {
  readonly cleanupSize: number;
  readonly runCleanupForEveryRecord: boolean;
}

export interface CleanupStrategies {
  /** Leave expired entries out of checkpoints and savepoints. */
  readonly inFullSnapshot: boolean;
  /** Undefined when background cleanup is disabled. */
  readonly incremental: IncrementalCleanupStrategy | undefined;
}

/** Flink's default for the heap backend: 5 entries per state access. */
const DEFAULT_INCREMENTAL: IncrementalCleanupStrategy = { cleanupSize: 5, runCleanupForEveryRecord: false };

export class StateTtlConfig {
  /** No TTL: what a descriptor has until enableTimeToLive(). */
  static readonly DISABLED: StateTtlConfig = new StateTtlConfig(UpdateType.Disabled, StateVisibility.NeverReturnExpired, Number.MAX_VALUE, {
    inFullSnapshot: false,
    incremental: undefined,
  });

  /** Build one with StateTtlConfig.newBuilder(ttl). */
  constructor(
    readonly updateType: UpdateType,
    readonly stateVisibility: StateVisibility,
    /** Milliseconds of processing time. */
    readonly ttl: number,
    readonly cleanupStrategies: CleanupStrategies,
  ) {}

  /** `ttl` in milliseconds: `minutes(10)`, `hours(1)` or a plain number. */
  static newBuilder(ttl: number): StateTtlConfigBuilder {
    return new StateTtlConfigBuilder(ttl);
  }

  isEnabled(): boolean {
    return this.updateType !== UpdateType.Disabled;
  }

  getTtl(): number {
    return this.ttl;
  }

  getUpdateType(): UpdateType {
    return this.updateType;
  }

  getStateVisibility(): StateVisibility {
    return this.stateVisibility;
  }

  getCleanupStrategies(): CleanupStrategies {
    return this.cleanupStrategies;
  }
}

export class StateTtlConfigBuilder {
  private updateType: UpdateType = UpdateType.OnCreateAndWrite;
  private stateVisibility: StateVisibility = StateVisibility.NeverReturnExpired;
  private inFullSnapshot = false;
  private incremental: IncrementalCleanupStrategy | undefined = DEFAULT_INCREMENTAL;
  private ttl: number;

  constructor(ttl: number) {
    this.ttl = checkTtl(ttl);
  }

  setUpdateType(updateType: UpdateType): this {
    if (!Object.values(UpdateType).includes(updateType)) {
      throw new IllegalOperatorUsage(`Unknown TTL update type ${JSON.stringify(updateType)}: use UpdateType.OnCreateAndWrite or UpdateType.OnReadAndWrite`);
    }
    this.updateType = updateType;
    return this;
  }

  updateTtlOnCreateAndWrite(): this {
    return this.setUpdateType(UpdateType.OnCreateAndWrite);
  }

  updateTtlOnReadAndWrite(): this {
    return this.setUpdateType(UpdateType.OnReadAndWrite);
  }

  setStateVisibility(stateVisibility: StateVisibility): this {
    if (stateVisibility !== StateVisibility.NeverReturnExpired) {
      throw new IllegalOperatorUsage(
        `State visibility ${JSON.stringify(stateVisibility)} is not supported: Sage never returns expired state. ` +
          'Use StateVisibility.NeverReturnExpired (the default), or a longer TTL if expired values are still needed',
      );
    }
    this.stateVisibility = stateVisibility;
    return this;
  }

  neverReturnExpired(): this {
    return this.setStateVisibility(StateVisibility.NeverReturnExpired);
  }

  /** Drops expired entries from checkpoints and savepoints, so a restore does not bring them back. */
  cleanupFullSnapshot(): this {
    this.inFullSnapshot = true;
    return this;
  }

  /**
   * Checks `cleanupSize` entries of the state, across all keys, at every access to the state and,
   * with `runCleanupForEveryRecord`, for every record the operator processes; expired ones are
   * removed. On by default with 5 entries per access, as in Flink.
   */
  cleanupIncrementally(cleanupSize: number, runCleanupForEveryRecord: boolean): this {
    if (!Number.isInteger(cleanupSize) || cleanupSize < 1) {
      throw new IllegalOperatorUsage(`cleanupIncrementally needs a whole number of entries of at least 1, got ${cleanupSize}: try 10`);
    }
    this.incremental = { cleanupSize, runCleanupForEveryRecord };
    return this;
  }

  /** Turns off incremental cleanup: expired entries are then removed only when their key is read or by cleanupFullSnapshot. */
  disableCleanupInBackground(): this {
    this.incremental = undefined;
    return this;
  }

  setTtl(ttl: number): this {
    this.ttl = checkTtl(ttl);
    return this;
  }

  build(): StateTtlConfig {
    return new StateTtlConfig(this.updateType, this.stateVisibility, this.ttl, {
      inFullSnapshot: this.inFullSnapshot,
      incremental: this.incremental,
    });
  }
}

function checkTtl(ttl: number): number {
  if (typeof ttl !== 'number' || !Number.isFinite(ttl) || ttl <= 0) {
    throw new IllegalOperatorUsage(
      `A state TTL must be a positive, finite number of milliseconds, got ${String(ttl)}: write e.g. minutes(10) or 600000`,
    );
  }
  return ttl;
}
