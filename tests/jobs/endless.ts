// An unbounded job: a source that emits a numbered record every few milliseconds, forever.
// `sage run endless.ts -- [records per tick]`.
import { defineJob, DiscardingSink, type Source, type SourceReader } from '@sage/core';

class Ticks implements Source<number, number> {
  readonly name = 'Ticks';
  readonly boundedness = 'unbounded' as const;
  constructor(private readonly perTick: number) {}
  createReader(): SourceReader<number, number> {
    let next = 0;
    let ready = true;
    let wake: (() => void) | undefined;
    const perTick = this.perTick;
    return {
      async start() {},
      pollNext(output) {
        if (!ready) return 'nothing';
        for (let i = 0; i < perTick; i++) output.collect(next++);
        ready = false;
        setTimeout(() => {
          ready = true;
          wake?.();
        }, 5);
        return 'nothing';
      },
      isAvailable() {
        return ready ? Promise.resolve() : new Promise<void>((resolve) => (wake = resolve));
      },
      snapshotState: () => [next],
      async close() {},
    };
  }
}

export default defineJob((env, args) => {
  env
    .fromSource(new Ticks(Number(args[0] ?? 100)))
    .keyBy((n) => n % 16)
    .reduce((a, b) => a + b)
    .sink(new DiscardingSink());
});
