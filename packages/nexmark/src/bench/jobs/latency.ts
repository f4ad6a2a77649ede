// The latency benchmark job: `-- <records/s, 0 for as fast as it goes> <records> <CPU µs per record> <output dir>`.
// fromSequence -> a map that stamps each record with the time it leaves the source
// and burns the given CPU -> keyBy across the subtasks -> a sink that writes, when it closes, every
// record's latency (sink time minus stamp, ms) and the first and last stamp it saw to
// <output dir>/latency-<subtask>.json.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineJob, type Sink, type SinkWriter } from '@sage/core';

interface Stamped {
  readonly seq: number;
  /** Epoch milliseconds with a fraction, when the record left the source. */
  readonly stampedAt: number;
}

/** Busy work: the operator's cost, spent on the task's own thread as a user function's would be. */
function burn(micros: number): void {
  if (micros <= 0) return;
  const until = performance.now() + micros / 1000;
  while (performance.now() < until);
}

class LatencySink implements Sink<Stamped, never> {
  readonly name = 'Latency';
  constructor(private readonly dir: string) {}

  createWriter(ctx: { subtaskIndex: number }): SinkWriter<Stamped, never> {
    const latencies: number[] = [];
    let firstStamp = Infinity;
    let lastStamp = -Infinity;
    const file = join(this.dir, `latency-${ctx.subtaskIndex}.json`);
    return {
      write(record) {
        latencies.push(performance.timeOrigin + performance.now() - record.stampedAt);
        if (record.stampedAt < firstStamp) firstStamp = record.stampedAt;
        if (record.stampedAt > lastStamp) lastStamp = record.stampedAt;
      },
      async prepareCommit() {
        return [];
      },
      async close() {
        writeFileSync(file, JSON.stringify({ latencies, firstStamp, lastStamp }));
      },
    };
  }
}

export default defineJob((env, args) => {
  const [rate = '1000', records = '10000', micros = '0', dir = '.'] = args;
  const cost = Number(micros);
  env.setJobName(`Latency ${rate === '0' ? 'unlimited' : `${rate}/s`}, ${cost} µs a record`);
  env
    .fromSequence(0, Number(records) - 1, rate === '0' ? {} : { recordsPerSecond: Number(rate) })
    .map((seq: number): Stamped => {
      const stamped = { seq, stampedAt: performance.timeOrigin + performance.now() };
      burn(cost);
      return stamped;
    })
    .keyBy((r) => r.seq % 1024)
    .sink(new LatencySink(dir));
});
