// A sequence source for tests that must act on a job while it runs: it emits 0..count-1 at a rate, but
// holds at `holdAt` until the gate file exists. A test waits for a state that holds while the job is
// held (N checkpoints completed, RUNNING), acts, then creates the gate file to let the job finish: the
// job cannot end before the test has seen that state, however slow the machine.
import { existsSync } from 'node:fs';
import type { InputStatus, ReaderOutput, Source, SourceReader, SourceReaderContext } from '@sage/core';

export class GatedSequence implements Source<number, number> {
  readonly name = 'GatedSequence';
  readonly boundedness = 'bounded' as const;
  readonly nonParallel = true;

  constructor(
    private readonly count: number,
    private readonly recordsPerSecond: number,
    /** Where to hold until the gate opens; `count` holds nowhere. */
    private readonly holdAt: number,
    /** The file whose existence opens the gate; undefined: open from the start. */
    private readonly gate: string | undefined,
  ) {}

  createReader(ctx: SourceReaderContext): SourceReader<number, number> {
    const next = ctx.restoredState === undefined ? 0 : (ctx.restoredState[0] as number);
    return new GatedReader(next, this.count, this.recordsPerSecond, this.holdAt, this.gate);
  }
}

class GatedReader implements SourceReader<number, number> {
  private startedAt = 0;
  private emitted = 0;
  private open: boolean;

  constructor(
    private next: number,
    private readonly count: number,
    private readonly rate: number,
    private readonly holdAt: number,
    private readonly gate: string | undefined,
  ) {
    this.open = gate === undefined;
  }

  async start(): Promise<void> {
    this.startedAt = Date.now();
  }

  pollNext(output: ReaderOutput<number>): InputStatus {
    if (this.next >= this.count) return 'end';
    if (!this.open && this.next >= this.holdAt) {
      this.open = existsSync(this.gate!);
      if (!this.open) return 'nothing';
    }
    const limit = this.open ? this.count : this.holdAt;
    const allowed = Math.floor(((Date.now() - this.startedAt) * this.rate) / 1000) - this.emitted;
    const n = Math.min(allowed, limit - this.next, 4096);
    for (let i = 0; i < n; i++) output.collect(this.next++);
    if (n > 0) this.emitted += n;
    return this.next >= this.count ? 'end' : 'nothing';
  }

  isAvailable(): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, this.open || this.next < this.holdAt ? 5 : 50));
  }

  snapshotState(): number[] {
    return [this.next];
  }

  async close(): Promise<void> {}
}
