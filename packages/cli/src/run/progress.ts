/**
 * What `sage run` shows while a job runs: on a terminal, one status line on stderr refreshed a few
 * times a second; elsewhere nothing until the summary. stdout stays the job's own output.
 */
export interface ProgressSample {
  readonly state: string;
  readonly recordsIn: number;
  readonly recordsOut: number;
}

/** The two streams the line shares; process.stdout and process.stderr unless a test gives others. */
export interface TerminalStreams {
  readonly stdout: NodeJS.WritableStream & { isTTY?: boolean };
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
}

const REFRESH_MS = 250;
const RATE_WINDOW_MS = 1000;
const ERASE_LINE = '\r\x1b[K';

export class ProgressLine {
  private timer: NodeJS.Timeout | undefined;
  private readonly startedAt = Date.now();
  private lastIn = 0;
  private lastAt = Date.now();
  private rate: number | undefined;
  private text = '';
  private shown = false;
  private redrawQueued = false;
  private restoreStdout: (() => void) | undefined;

  constructor(
    private readonly sample: () => ProgressSample,
    private readonly streams: TerminalStreams = process,
  ) {}

  start(): void {
    if (this.streams.stderr.isTTY !== true) return;
    this.timer = setInterval(() => this.refresh(), REFRESH_MS);
    this.timer.unref();
    if (this.streams.stdout.isTTY === true) this.yieldToStdout();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    this.restoreStdout?.();
    this.restoreStdout = undefined;
    this.erase();
  }

  /** A line of its own on stderr (a restart, say), above the status line, which comes back at the next refresh. */
  note(line: string): void {
    this.erase();
    this.streams.stderr.write(line + '\n');
  }

  private refresh(): void {
    const { state, recordsIn, recordsOut } = this.sample();
    const now = Date.now();
    if (now - this.lastAt >= RATE_WINDOW_MS) {
      this.rate = ((recordsIn - this.lastIn) * 1000) / (now - this.lastAt);
      this.lastIn = recordsIn;
      this.lastAt = now;
    }
    // Until a full window has passed, the average since the start is the best figure there is.
    const rate = this.rate ?? (recordsIn * 1000) / Math.max(1, now - this.startedAt);
    const elapsed = ((now - this.startedAt) / 1000).toFixed(1);
    this.text = `${state} ${elapsed}s  in ${count(recordsIn)}  out ${count(recordsOut)}  ${count(Math.round(rate))} rec/s`;
    this.draw();
  }

  private draw(): void {
    this.streams.stderr.write(ERASE_LINE + this.text);
    this.shown = true;
  }

  private erase(): void {
    if (!this.shown) return;
    this.streams.stderr.write(ERASE_LINE);
    this.shown = false;
  }

  /**
   * When the job prints to the same terminal (print()), a record written after the status line would
   * be glued to its end. So the line steps aside before every stdout write and comes back once the
   * writes of this turn of the event loop are done (one redraw per batch, not per record).
   */
  private yieldToStdout(): void {
    const stdout = this.streams.stdout;
    const write = stdout.write;
    stdout.write = ((...args: Parameters<typeof write>) => {
      if (this.shown) {
        this.erase();
        this.queueRedraw();
      }
      return write.apply(stdout, args);
    }) as typeof write;
    this.restoreStdout = () => {
      stdout.write = write;
    };
  }

  private queueRedraw(): void {
    if (this.redrawQueued) return;
    this.redrawQueued = true;
    setImmediate(() => {
      this.redrawQueued = false;
      if (this.timer !== undefined && !this.shown) this.draw();
    });
  }
}

export function count(n: number): string {
  return n.toLocaleString('en-US');
}
