/**
 * A test source: 0..count-1 spread over the subtasks in contiguous ranges, `perPoll` numbers per poll
 * with a pause of a millisecond after each, so a job lives long enough for checkpoints to complete
 * while it runs. Positions are its split states, so a restore (at any parallelism) goes on where the
 * checkpoint was.
 */
import type { InputStatus, ReaderOutput, Source, SourceReader, SourceReaderContext } from '@sage/core';

export interface SlowSequenceSplit {
  next: number;
  end: number;
}

export class SlowSequence implements Source<number, SlowSequenceSplit> {
  readonly name = 'SlowSequence';
  readonly boundedness = 'bounded' as const;

  constructor(
    private readonly count: number,
    private readonly perPoll = 10,
  ) {}

  createReader(ctx: SourceReaderContext): SourceReader<number, SlowSequenceSplit> {
    const count = this.count;
    const splits: SlowSequenceSplit[] = ctx.restoredState
      ? (ctx.restoredState as SlowSequenceSplit[]).map((s) => ({ ...s }))
      : [{ next: Math.floor((count * ctx.subtaskIndex) / ctx.parallelism), end: Math.floor((count * (ctx.subtaskIndex + 1)) / ctx.parallelism) }];
    const perPoll = this.perPoll;
    let resting = false;
    return {
      async start() {},
      pollNext(output: ReaderOutput<number>): InputStatus {
        if (resting) return 'nothing';
        const split = splits.find((s) => s.next < s.end);
        if (split === undefined) return 'end';
        const stop = Math.min(split.end, split.next + perPoll);
        for (; split.next < stop; split.next++) output.collect(split.next);
        resting = true;
        return 'nothing';
      },
      isAvailable: () =>
        new Promise<void>((resolve) =>
          setTimeout(() => {
            resting = false;
            resolve();
          }, 1),
        ),
      snapshotState: () => splits.map((s) => ({ ...s })),
      async close() {},
    };
  }
}
