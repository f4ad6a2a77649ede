import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ProgressLine, type ProgressSample, type TerminalStreams } from './progress.js';

/** stdout and stderr of one terminal window: what they write lands on one screen, in order. */
class Screen {
  private lines: string[] = [''];
  private column = 0;

  stream(isTTY: boolean): Writable & { isTTY: boolean } {
    const stream = new Writable({
      decodeStrings: false,
      // Written synchronously, as Node writes to a terminal.
      write: (chunk: string, _encoding, done) => done(),
    }) as Writable & { isTTY: boolean };
    stream.isTTY = isTTY;
    const write = stream.write.bind(stream);
    stream.write = ((chunk: string, ...rest: never[]) => {
      this.render(String(chunk));
      return write(chunk, ...rest);
    }) as typeof stream.write;
    return stream;
  }

  /** The screen's lines, as a user sees them. */
  get text(): string[] {
    return this.lines.filter((line, i) => line !== '' || i < this.lines.length - 1);
  }

  private render(chunk: string): void {
    for (let i = 0; i < chunk.length; i++) {
      if (chunk.startsWith('\x1b[K', i)) {
        this.lines[this.lines.length - 1] = this.lines.at(-1)!.slice(0, this.column);
        i += 2;
      } else if (chunk[i] === '\r') this.column = 0;
      else if (chunk[i] === '\n') {
        this.lines.push('');
        this.column = 0;
      } else {
        const line = this.lines.at(-1)!;
        this.lines[this.lines.length - 1] = line.slice(0, this.column) + chunk[i] + line.slice(this.column + 1);
        this.column++;
      }
    }
  }
}

describe('the progress line', () => {
  let sample: ProgressSample;

  beforeEach(() => {
    vi.useFakeTimers();
    sample = { state: 'RUNNING', recordsIn: 0, recordsOut: 0 };
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it('shows state, records in and out, and throughput on a terminal, and leaves no trace when stopped', () => {
    const screen = new Screen();
    const streams: TerminalStreams = { stdout: screen.stream(false), stderr: screen.stream(true) };
    const progress = new ProgressLine(() => sample, streams);
    progress.start();
    sample = { state: 'RUNNING', recordsIn: 1500, recordsOut: 700 };
    vi.advanceTimersByTime(500);
    expect(screen.text).toEqual(['RUNNING 0.5s  in 1,500  out 700  3,000 rec/s']);
    progress.stop();
    expect(screen.text).toEqual([]);
  });

  it('keeps records printed to the same terminal on lines of their own', () => {
    const screen = new Screen();
    const streams: TerminalStreams = { stdout: screen.stream(true), stderr: screen.stream(true) };
    const progress = new ProgressLine(() => sample, streams);
    progress.start();
    vi.advanceTimersByTime(250);
    streams.stdout.write('to: 1\n');
    streams.stdout.write('be: 1\n');
    // The line comes back below the records once this batch of writes is done.
    vi.advanceTimersToNextTimer();
    expect(screen.text).toEqual(['to: 1', 'be: 1', 'RUNNING 0.3s  in 0  out 0  0 rec/s']);
    progress.stop();
    streams.stdout.write('or: 1\n');
    expect(screen.text).toEqual(['to: 1', 'be: 1', 'or: 1']);
  });

  it('prints a message above the line on a terminal, and alone elsewhere', () => {
    const screen = new Screen();
    const progress = new ProgressLine(() => sample, { stdout: screen.stream(false), stderr: screen.stream(true) });
    progress.start();
    vi.advanceTimersByTime(250);
    progress.print('Waiting for slots\n');
    expect(screen.text).toEqual(['Waiting for slots', 'RUNNING 0.3s  in 0  out 0  0 rec/s']);
    progress.stop();
    expect(screen.text).toEqual(['Waiting for slots']);

    const piped = new Screen();
    const quiet = new ProgressLine(() => sample, { stdout: piped.stream(false), stderr: piped.stream(false) });
    quiet.start();
    quiet.print('Waiting for slots\n');
    quiet.stop();
    expect(piped.text).toEqual(['Waiting for slots']);
  });

  it('draws nothing when stderr is not a terminal', () => {
    const screen = new Screen();
    const progress = new ProgressLine(() => sample, { stdout: screen.stream(false), stderr: screen.stream(false) });
    progress.start();
    vi.advanceTimersByTime(2000);
    progress.stop();
    expect(screen.text).toEqual([]);
  });
});
