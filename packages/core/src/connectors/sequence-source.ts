import type { InputStatus, ReaderOutput, Source, SourceReader, SourceReaderContext } from './source.js';

const RECORDS_PER_POLL = 4096;

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

  constructor(
    readonly from: number,
    readonly to: number,
  ) {
    if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to) || to < from) {
      throw new RangeError(`fromSequence(${from}, ${to}): give two safe integers with from <= to`);
    }
  }

  createReader(ctx: SourceReaderContext): SourceReader<number, SequenceSplit> {
    const splits =
      ctx.restoredState !== undefined
        ? (ctx.restoredState as SequenceSplit[]).map((s) => ({ ...s }))
        : [splitFor(this.from, this.to, ctx.subtaskIndex, ctx.parallelism)];
    return new SequenceReader(splits);
  }
}

function splitFor(from: number, to: number, index: number, parallelism: number): SequenceSplit {
  const count = to - from + 1;
  const start = from + Math.floor((count * index) / parallelism);
  const end = from + Math.floor((count * (index + 1)) / parallelism) - 1;
  return { next: start, end };
}

class SequenceReader implements SourceReader<number, SequenceSplit> {
  constructor(private readonly splits: SequenceSplit[]) {}

  async start(): Promise<void> {}

  pollNext(output: ReaderOutput<number>): InputStatus {
    let budget = RECORDS_PER_POLL;
    for (const split of this.splits) {
      let next = split.next;
      const stop = Math.min(split.end, next + budget - 1);
      budget -= stop - next + 1;
      for (; next <= stop; next++) output.collect(next);
      split.next = next;
      if (budget <= 0) return 'more';
    }
    return 'end';
  }

  isAvailable(): Promise<void> {
    return Promise.resolve();
  }

  snapshotState(): SequenceSplit[] {
    return this.splits.map((s) => ({ ...s }));
  }

  async close(): Promise<void> {}
}
