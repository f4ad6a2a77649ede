/** A test source that holds its elements back until a condition holds, so a test orders inputs without sleeping. */
import type { InputStatus, ReaderOutput, Source, SourceReader, SourceReaderContext } from '@sage/core';

/** Elements of an array, from one subtask, once `ready()` says so; its position is its state. */
export class GatedSource<T> implements Source<T, number> {
  readonly name = 'Gated';
  readonly boundedness = 'bounded' as const;
  readonly nonParallel = true;

  constructor(
    private readonly elements: readonly T[],
    private readonly ready: () => boolean,
    private readonly perPoll = 100,
    /** Past its last element the source ends only once this holds, so a test can keep it running. */
    private readonly endWhen: () => boolean = () => true,
  ) {}

  createReader(ctx: SourceReaderContext): SourceReader<T, number> {
    let position = ctx.restoredState?.length ? (ctx.restoredState[0] as number) : 0;
    const { elements, ready, perPoll, endWhen } = this;
    return {
      async start() {},
      pollNext(output: ReaderOutput<T>): InputStatus {
        if (!ready()) return 'nothing';
        const stop = Math.min(elements.length, position + perPoll);
        for (; position < stop; position++) output.collect(elements[position]!);
        if (position < elements.length) return 'more';
        return endWhen() ? 'end' : 'nothing';
      },
      isAvailable: () => new Promise<void>((resolve) => setTimeout(resolve, 2)),
      snapshotState: () => [position],
      async close() {},
    };
  }
}
