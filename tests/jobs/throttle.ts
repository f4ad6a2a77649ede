// A map that passes records on at no more than a rate per subtask, for test jobs whose source reads
// faster than a test can act (a bounded Kafka topic, one file): the job stays mid-stream for seconds.
// It sleeps the thread (Atomics.wait) when ahead of schedule, a few milliseconds at a time, so the
// task loop still yields to heartbeats and checkpoint triggers between records.
import type { RuntimeContext } from '@sage/core';

const MAX_SLEEP_MS = 4;

export class Throttle<T> {
  private readonly cell = new Int32Array(new SharedArrayBuffer(4));
  private startedAt = 0;
  private passed = 0;

  constructor(private readonly recordsPerSecond: number) {}

  open(_ctx: RuntimeContext): void {
    this.startedAt = Date.now();
  }

  map(value: T): T {
    const due = this.startedAt + (++this.passed * 1000) / this.recordsPerSecond;
    const ahead = due - Date.now();
    if (ahead > 1) Atomics.wait(this.cell, 0, 0, Math.min(ahead, MAX_SLEEP_MS));
    return value;
  }
}
