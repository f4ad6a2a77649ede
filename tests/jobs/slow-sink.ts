// Backpressure: a fast source feeding, across TaskManagers, a sink that writes slowly.
// `sage run slow-sink.ts -p 2 -- <records> <output dir>`: each sink subtask writes
// `<source subtask> <sequence>` lines to <output dir>/sink-<subtask>.txt.
import { appendFileSync, mkdirSync } from 'node:fs';
import { defineJob, type Collector, type RuntimeContext, type Sink, type SinkWriter } from '@sage/core';

interface Tagged {
  readonly source: number;
  readonly seq: number;
  readonly payload: string;
}

class SlowFileSink implements Sink<Tagged, never> {
  readonly name = 'SlowFile';
  constructor(private readonly dir: string) {}
  createWriter(ctx: { subtaskIndex: number }): SinkWriter<Tagged, never> {
    mkdirSync(this.dir, { recursive: true });
    const file = `${this.dir}/sink-${ctx.subtaskIndex}.txt`;
    let lines: string[] = [];
    let blockedUntil = 0;
    const flush = () => {
      if (lines.length > 0) appendFileSync(file, lines.join('\n') + '\n');
      lines = [];
    };
    return {
      write(value) {
        lines.push(`${value.source} ${value.seq}`);
        // About 20k records per second: far slower than the source.
        if (lines.length >= 100) {
          flush();
          blockedUntil = Date.now() + 5;
        }
      },
      isAvailable: () => Date.now() >= blockedUntil,
      whenAvailable: () => new Promise((resolve) => setTimeout(resolve, Math.max(0, blockedUntil - Date.now()))),
      async prepareCommit() {
        flush();
        return [];
      },
      async close() {
        flush();
      },
    };
  }
}

/** Tags each number with the source subtask that produced it, to check order per channel at the sink. */
class TagWithSubtask {
  private subtask = 0;
  open(ctx: RuntimeContext) {
    this.subtask = ctx.subtaskIndex;
  }
  processElement(seq: number, _ctx: unknown, out: Collector<Tagged>) {
    out.collect({ source: this.subtask, seq, payload: 'x'.repeat(200) });
  }
}

export default defineJob((env, args) => {
  const records = Number(args[0]);
  const dir = args[1]!;
  env
    .fromSequence(0, records - 1)
    .process<Tagged>(new TagWithSubtask())
    .rebalance()
    .sink(new SlowFileSink(dir));
});
