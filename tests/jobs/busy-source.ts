// A busy task: `sage run busy-source.ts -p 2 -- <records> <dir>`. One source subtask emits 0..records-1
// as fast as it can through a map that burns ~2 ms of CPU a record, so its task never waits for
// input; a keyBy spreads the records over two sink subtasks. The first sink subtask to receive a
// record creates <dir>/first-seen; the map notes in <dir>/seen-at the number it was at when it first
// found that file. Each sink subtask writes what it received to <dir>/sink-<subtask>.txt as it closes.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineJob, type Sink, type SinkWriter } from '@sage/core';

const BURN_MS = 2;

class MarkingSink implements Sink<number, never> {
  readonly name = 'Marking';
  constructor(private readonly dir: string) {}

  createWriter(ctx: { subtaskIndex: number }): SinkWriter<number, never> {
    const received: number[] = [];
    const marker = join(this.dir, 'first-seen');
    const file = join(this.dir, `sink-${ctx.subtaskIndex}.txt`);
    return {
      write(value) {
        if (received.length === 0) writeFileSync(marker, String(ctx.subtaskIndex));
        received.push(value);
      },
      async prepareCommit() {
        return [];
      },
      async close() {
        writeFileSync(file, received.join('\n'));
      },
    };
  }
}

export default defineJob((env, args) => {
  const records = Number(args[0]);
  const dir = args[1]!;
  const marker = join(dir, 'first-seen');
  let seen = false;
  env
    .fromSequence(0, records - 1)
    .setParallelism(1)
    .map((n: number) => {
      if (!seen && existsSync(marker)) {
        seen = true;
        writeFileSync(join(dir, 'seen-at'), String(n));
      }
      const until = performance.now() + BURN_MS;
      while (performance.now() < until);
      return n;
    })
    .setParallelism(1)
    .keyBy((n) => n)
    .sink(new MarkingSink(dir));
});
