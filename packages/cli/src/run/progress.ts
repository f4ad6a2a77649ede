/**
 * What `sage run` shows while a job runs: on a terminal, one status line on stderr refreshed a few
 * times a second; elsewhere nothing until the summary. stdout stays the job's own output.
 */
export interface ProgressSample {
  readonly state: string;
  readonly recordsIn: number;
  readonly recordsOut: number;
}

export class ProgressLine {
  private timer: NodeJS.Timeout | undefined;
  private readonly startedAt = Date.now();
  private lastIn = 0;
  private lastAt = Date.now();
  private rate = 0;
  private readonly tty = process.stderr.isTTY === true;

  constructor(private readonly sample: () => ProgressSample) {}

  start(): void {
    if (!this.tty) return;
    this.timer = setInterval(() => this.draw(), 250);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    if (this.tty) process.stderr.write('\r\x1b[K');
  }

  private draw(): void {
    const { state, recordsIn, recordsOut } = this.sample();
    const now = Date.now();
    if (now - this.lastAt >= 1000) {
      this.rate = ((recordsIn - this.lastIn) * 1000) / (now - this.lastAt);
      this.lastIn = recordsIn;
      this.lastAt = now;
    }
    const elapsed = ((now - this.startedAt) / 1000).toFixed(1);
    process.stderr.write(
      `\r\x1b[K${state} ${elapsed}s  in ${count(recordsIn)}  out ${count(recordsOut)}  ${count(Math.round(this.rate))} rec/s`,
    );
  }
}

export function count(n: number): string {
  return n.toLocaleString('en-US');
}
