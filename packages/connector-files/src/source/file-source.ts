/**
 * FileSource: the lines of text files, as strings, split among subtasks (split i goes to subtask
 * i mod parallelism). A subtask reads its splits one after the other, a chunk ahead of what it emits,
 * so a backpressured pipeline simply stops the reads. Its checkpointed state is the byte offset of the
 * next line of every split it has not finished.
 */
import type { InputStatus, ReaderOutput, Source, SourceOutput, SourceReader, SourceReaderContext } from '@sage/core';
import { FileSourceError } from '../errors.js';
import { createSplits, type FileSplit } from './file-splits.js';
import { SplitReader } from './split-reader.js';

export interface FileSourceOptions {
  /**
   * A file, or a directory whose regular, non-hidden files are read (not recursively). In a cluster,
   * an absolute path that every TaskManager sees with the same content.
   */
  readonly path: string;
  /** Files larger than this are read by several subtasks, in byte ranges. Default 32 MiB. */
  readonly splitSizeBytes?: number;
  /** Bytes per read. Default 256 KiB. */
  readonly chunkSizeBytes?: number;
}

const DEFAULT_SPLIT_SIZE = 32 * 1024 * 1024;
const DEFAULT_CHUNK_SIZE = 256 * 1024;
/** Lines per pollNext, so the task can take checkpoints and see backpressure between batches. */
const LINES_PER_POLL = 4096;

export class FileSource implements Source<string, FileSplit> {
  readonly name = 'Files';
  readonly boundedness = 'bounded' as const;
  private readonly splitSize: number;
  private readonly chunkSize: number;

  constructor(private readonly options: FileSourceOptions) {
    if (typeof options?.path !== 'string' || options.path.length === 0) {
      throw new FileSourceError('InvalidOption', "FileSource needs a path: new FileSource({ path: 'input/' })");
    }
    this.splitSize = positiveInteger(options.splitSizeBytes, DEFAULT_SPLIT_SIZE, 'splitSizeBytes');
    this.chunkSize = positiveInteger(options.chunkSizeBytes, DEFAULT_CHUNK_SIZE, 'chunkSizeBytes');
  }

  filePaths(): readonly string[] {
    return [this.options.path];
  }

  createReader(ctx: SourceReaderContext): SourceReader<string, FileSplit> {
    return new FileSourceReader(ctx, async () => {
      const all = await createSplits(this.options.path, this.splitSize);
      return all.filter((_, i) => i % ctx.parallelism === ctx.subtaskIndex);
    }, this.chunkSize);
  }
}

class FileSourceReader implements SourceReader<string, FileSplit> {
  /** Splits not yet finished; the first one is being read by `current`. */
  private splits: FileSplit[] = [];
  private current: SplitReader | undefined;
  /**
   * Where the current split's lines go: its own split output, so it has its own watermark generator,
   * released when the split is done (a finished split no longer holds the watermark back). Undefined
   * when the ReaderOutput has no split outputs: lines then go to the ReaderOutput of the poll.
   */
  private currentOutput: SourceOutput<string> | undefined;
  /** Closes of finished splits' files, which run behind the reading of the next split. */
  private closing: Promise<void> = Promise.resolve();
  private failure: unknown;

  constructor(
    private readonly ctx: SourceReaderContext,
    private readonly assignSplits: () => Promise<FileSplit[]>,
    private readonly chunkSize: number,
  ) {}

  async start(): Promise<void> {
    const restored = this.ctx.restoredState;
    this.splits = restored !== undefined ? restored.map(restoreSplit) : await this.assignSplits();
    if (this.splits.length > 0) {
      this.current = new SplitReader(this.splits[0]!, this.chunkSize);
      await this.current.whenReadable();
    }
  }

  pollNext(output: ReaderOutput<string>): InputStatus {
    if (this.failure !== undefined) throw this.failure;
    let budget = LINES_PER_POLL;
    while (this.splits.length > 0) {
      this.current ??= new SplitReader(this.splits[0]!, this.chunkSize);
      this.currentOutput ??= output.createOutputForSplit?.(splitId(this.current.split));
      budget -= this.current.poll(this.currentOutput ?? output, budget);
      if (this.current.done) {
        const stopped = this.current.stopped;
        if (this.currentOutput !== undefined) output.releaseOutputForSplit?.(splitId(this.current.split));
        this.currentOutput = undefined;
        this.finishCurrent();
        if (stopped) return this.splits.length > 0 ? 'more' : 'end';
        continue;
      }
      return budget < LINES_PER_POLL ? 'more' : 'nothing';
    }
    return 'end';
  }

  isAvailable(): Promise<void> {
    return this.current?.whenReadable() ?? Promise.resolve();
  }

  snapshotState(): FileSplit[] {
    return this.splits.map((split) => ({ ...split }));
  }

  async close(): Promise<void> {
    const current = this.current;
    this.current = undefined;
    await current?.close();
    await this.closing;
  }

  private finishCurrent(): void {
    const finished = this.current!;
    this.current = undefined;
    this.splits.shift();
    this.closing = this.closing.then(() =>
      finished.close().catch((error: Error) => {
        this.failure ??= new FileSourceError('FileReadFailed', `FileSource: closing ${finished.split.path} failed: ${error.message}`, error);
      }),
    );
  }
}

/** A split's name for its output: a file and where its range starts. */
function splitId(split: FileSplit): string {
  return `${split.path}@${split.start}`;
}

function restoreSplit(state: unknown): FileSplit {
  const split = state as FileSplit;
  if (typeof split?.path !== 'string' || typeof split.start !== 'number' || typeof split.end !== 'number') {
    throw new FileSourceError('InvalidSplitState', `FileSource: cannot restore from ${JSON.stringify(state)}, which is not a FileSource split — restore the job from a checkpoint of the same job`);
  }
  return { path: split.path, start: split.start, end: split.end, offset: split.offset ?? null };
}

function positiveInteger(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new FileSourceError('InvalidOption', `FileSource: ${name} must be a positive whole number of bytes, got ${value}`);
  }
  return value;
}
