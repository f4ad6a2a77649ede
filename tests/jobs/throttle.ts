// A map that passes records on at no more than a rate per subtask, for test jobs whose source reads
// faster than a test can act (a bounded Kafka topic, one file): the source itself stays busy for
// seconds, which a throttle after the network would not do (the channels' buffers would take the
// whole input at once). It sleeps the thread (Atomics.wait) when ahead of schedule, so give the source
// small reads (few records per poll): the task loop then yields to heartbeats and checkpoint triggers
// between polls.
import type { RuntimeContext } from '@sage/core';

// Module-level: the job's function objects are copied per subtask, and a copy of a shared array is not shared.
const cell = new Int32Array(new SharedArrayBuffer(4));

export class Throttle<T> {
  private startedAt = 0;
  private passed = 0;

  constructor(private readonly recordsPerSecond: number) {}

  open(_ctx: RuntimeContext): void {
    this.startedAt = Date.now();
  }

  map(value: T): T {
    const ahead = this.startedAt + (++this.passed * 1000) / this.recordsPerSecond - Date.now();
    if (ahead > 1) Atomics.wait(cell, 0, 0, ahead);
    return value;
  }
}
