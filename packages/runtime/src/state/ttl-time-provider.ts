/**
 * The processing-time clock that state TTL reads (Flink's TtlTimeProvider). One per keyed state
 * backend, so a test can set a manual clock and expire state without waiting.
 */
export interface TtlTimeProvider {
  /** Milliseconds since the epoch. */
  currentTimestamp(): number;
}

export const SYSTEM_TTL_TIME_PROVIDER: TtlTimeProvider = { currentTimestamp: () => Date.now() };

/** A clock that moves only when told to: for tests. */
export class ManualTtlTimeProvider implements TtlTimeProvider {
  constructor(public now = 0) {}

  currentTimestamp(): number {
    return this.now;
  }

  advance(ms: number): void {
    this.now += ms;
  }
}
