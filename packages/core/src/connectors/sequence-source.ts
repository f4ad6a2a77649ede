import type { InputStatus, ReaderOutput, Source, SourceReader, SourceReaderContext } from './source.js';

const RECORDS_PER_POLL = 4096;

// Core stays free of Node's types; every JavaScript runtime has a timer.
declare function setTimeout(callback: () => void, ms: number): unknown;

interface SequenceSplit {
  /** Next number to emit. */
  next: number;
  /** Last number, inclusive. */
  end: number;
}

/**
 * The numbers from..to (inclusive), split into one contiguous range per subtask. The position is one
 * number per subtask, so a checkpoint of this source is a few bytes.
 */
export class SequenceSource implements Source<number, SequenceSplit> {
  readonly name = 'Sequence';
  readonly boundedness = 'bounded' as const;

  readonly recordsPerSecond: number | undefined;

  constructor(
    readonly from: number,
    readonly to: number,
    options: { readonly recordsPerSecond?: number } = {},
  ) {
    if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || to < from) {
      throw new RangeError(`fromSequence(${from}, ${to}): give two safe integers with from <= to`);
    }
    const rate = options.recordsPerSecond;
    if (rate !== undefined && !(rate > 0 && Number.isFinite(rate))) {
      throw new RangeError(`fromSequence(${from}, ${to}): recordsPerSecond must be a positive number, got ${rate}`);
    }
    this.recordsPerSecond = rate;
  }

  createReader(ctx: SourceReaderContext): SourceReader<number, SequenceSplit> {
    const splits =
      ctx.restoredState !== undefined
        ? (ctx.restoredState as SequenceSplit[]).map((s) => ({ ...s }))
        : [splitFor(this.from, this.to, ctx.subtaskIndex, ctx.parallelism)];
    const rate = this.recordsPerSecond === undefined ? undefined : this.recordsPerSecond / ctx.parallelism;
    return new SequenceReader(splits, rate);
  }
}

function splitFor(from: number, to: number, index: number, parallelism: number): SequenceSplit {
  const count = to - from + 1;
  const start = from + Math.floor((count * index) / parallelism);
  const end = from + Math.floor((count * (index + 1)) / parallelism) - 1;
  return { next: start, end };
}

class SequenceReader implements SourceReader<number, SequenceSplit> {
  private startedAt = 0;
  private emitted = 0;
  /** Budget emit() did not use: the splits ran out first. */
  private remaining = 0;

  constructor(
    private readonly splits: SequenceSplit[],
    /** This subtask's share of the rate limit, records per second. */
    private readonly rate: number | undefined,
  ) {}

  async start(): Promise<void> {
    this.startedAt = Date.now();
  }

  pollNext(output: ReaderOutput<number>): InputStatus {
    let budget = RECORDS_PER_POLL;
    if (this.rate !== undefined) {
      // As many as the rate allows since the reader started; none left means wait for isAvailable().
      budget = Math.min(budget, Math.floor(((Date.now() - this.startedAt) * this.rate) / 1000) - this.emitted);
      if (budget <= 0) return this.splits.every((s) => s.next > s.end) ? 'end' : 'nothing';
    }
    const before = budget;
    const status = this.emit(output, budget);
    this.emitted += before - this.remaining;
    if (status === 'end') return 'end';
    // Stopped by the task with records still due: go on at once. Otherwise a rate-limited reader waits.
    return status === 'stopped' || this.rate === undefined ? 'more' : 'nothing';
  }

  /** `stopped`: collect() asked to return, with budget left. */
  private emit(output: ReaderOutput<number>, budget: number): 'more' | 'stopped' | 'end' {
    for (const split of this.splits) {
      let next = split.next;
      const stop = Math.min(split.end, next + budget - 1);
      let goOn = true;
      while (next <= stop && goOn) goOn = output.collect(next++);
      budget -= next - split.next;
      split.next = next;
      this.remaining = budget;
      if (!goOn) return 'stopped';
      if (budget <= 0) return 'more';
    }
    return 'end';
  }

  isAvailable(): Promise<void> {
    if (this.rate === undefined) return Promise.resolve();
    return new Promise((resolve) => setTimeout(resolve, Math.max(1, Math.ceil(1000 / this.rate!))));
  }

  snapshotState(): SequenceSplit[] {
    return this.splits.map((s) => ({ ...s }));
  }

  async close(): Promise<void> {}
}
