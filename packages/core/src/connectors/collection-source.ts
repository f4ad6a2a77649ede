import type { InputStatus, ReaderOutput, Source, SourceReader, SourceReaderContext } from './source.js';

const RECORDS_PER_POLL = 1024;

/**
 * The elements of an iterable, in order, from a single subtask. The position is the count emitted,
 * so restoring re-iterates the collection and skips that many: the iterable must yield the same
 * elements every time it is iterated (an array, a deterministic generator function's result is not).
 */
export class CollectionSource<T> implements Source<T, number> {
  readonly name = 'Collection';
  readonly boundedness = 'bounded' as const;
  readonly nonParallel = true;

  constructor(private readonly elements: Iterable<T>) {}

  createReader(ctx: SourceReaderContext): SourceReader<T, number> {
    const skip = ctx.restoredState?.length ? (ctx.restoredState[0] as number) : 0;
    return new CollectionReader(this.elements, skip);
  }
}

class CollectionReader<T> implements SourceReader<T, number> {
  private iterator: Iterator<T> | undefined;
  private emitted = 0;

  constructor(
    private readonly elements: Iterable<T>,
    private readonly skip: number,
  ) {}

  async start(): Promise<void> {
    this.iterator = this.elements[Symbol.iterator]();
    for (let i = 0; i < this.skip; i++) {
      if (this.iterator.next().done) break;
      this.emitted++;
    }
  }

  pollNext(output: ReaderOutput<T>): InputStatus {
    const iterator = this.iterator!;
    for (let i = 0; i < RECORDS_PER_POLL; i++) {
      const step = iterator.next();
      if (step.done) return 'end';
      this.emitted++;
      if (!output.collect(step.value)) break;
    }
    return 'more';
  }

  isAvailable(): Promise<void> {
    return Promise.resolve();
  }

  snapshotState(): number[] {
    return [this.emitted];
  }

  async close(): Promise<void> {}
}
