/**
 * FileSource: the lines of text files, as strings, split among subtasks (split i goes to subtask
 * i mod parallelism). Reads ahead asynchronously, one chunk at a time, and emits the lines of the
 * chunk at hand from pollNext, so a slow downstream simply stops the reads. Its position (the byte
 * offset of the next line in every split) is its checkpointed state.
 */
import { open, type FileHandle } from 'node:fs/promises';
import type { InputStatus, ReaderOutput, Source, SourceReader, SourceReaderContext } from '@sage/core';
import { FileConnectorError } from './errors.js';
import { createSplits, type FileSplit } from './file-splits.js';

export interface FileSourceOptions {
  /** A file, or a directory whose regular, non-hidden files are read (not recursively). */
  readonly path: string;
  /** Files larger than this are read by several subtasks, in ranges cut at line boundaries. */
  readonly splitSizeBytes?: number;
  /** Bytes per read. */
  readonly chunkSizeBytes?: number;
}

const DEFAULT_SPLIT_SIZE = 32 * 1024 * 1024;
const DEFAULT_CHUNK_SIZE = 256 * 1024;
const LINES_PER_POLL = 4096;
const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

export class FileSource implements Source<string, FileSplit> {
  readonly name = 'Files';
  readonly boundedness = 'bounded' as const;

  constructor(private readonly options: FileSourceOptions) {
    if (!options || typeof options.path !== 'string' || options.path.length === 0) {
      throw new TypeError("FileSource needs a path: new FileSource({ path: 'input/' })");
    }
  }

  createReader(ctx: SourceReaderContext): SourceReader<string, FileSplit> {
    return new FileReader(this.options, ctx);
  }
}

class FileReader implements SourceReader<string, FileSplit> {
  private splits: FileSplit[] = [];
  private current = 0;
  private handle: FileHandle | undefined;
  /** Bytes read from the current split's file, not yet emitted; starts at byte `bufferStart`. */
  private buffer: Buffer = Buffer.alloc(0);
  private bufferStart = 0;
  private readPosition = 0;
  private endOfFile = false;
  private reading: Promise<void> | undefined;
  private failure: Error | undefined;
  private readonly chunkSize: number;

  constructor(
    private readonly options: FileSourceOptions,
    private readonly ctx: SourceReaderContext,
  ) {
    this.chunkSize = options.chunkSizeBytes ?? DEFAULT_CHUNK_SIZE;
  }

  async start(): Promise<void> {
    if (this.ctx.restoredState !== undefined) {
      this.splits = (this.ctx.restoredState as FileSplit[]).map((s) => ({ ...s }));
    } else {
      const all = await createSplits(this.options.path, this.options.splitSizeBytes ?? DEFAULT_SPLIT_SIZE);
      this.splits = all.filter((_, i) => i % this.ctx.parallelism === this.ctx.subtaskIndex);
    }
    await this.openCurrent();
  }

  pollNext(output: ReaderOutput<string>): InputStatus {
    if (this.failure) throw this.failure;
    let emitted = 0;
    while (this.current < this.splits.length) {
      const split = this.splits[this.current]!;
      if (this.handle === undefined) {
        this.startRead();
        return 'nothing';
      }
      if (split.offset === null && !this.findFirstLine(split)) {
        if (this.endOfFile || this.bufferStart + this.buffer.length > split.end + 1) {
          this.finishSplit();
          continue;
        }
        this.startRead();
        return 'nothing';
      }
      if (split.offset !== null && split.offset > split.end) {
        this.finishSplit();
        continue;
      }
      // Emit whole lines from the buffer while they belong to this split.
      let from = split.offset! - this.bufferStart;
      const buffer = this.buffer;
      while (emitted < LINES_PER_POLL && split.offset! <= split.end) {
        const newline = buffer.indexOf(NEWLINE, from);
        if (newline === -1) {
          if (this.endOfFile && from < buffer.length) {
            output.collect(decode(buffer, from, buffer.length));
            emitted++;
            split.offset = this.bufferStart + buffer.length;
          }
          break;
        }
        output.collect(decode(buffer, from, newline));
        emitted++;
        from = newline + 1;
        split.offset = this.bufferStart + from;
      }
      if (split.offset! > split.end || (this.endOfFile && split.offset! >= this.bufferStart + buffer.length)) {
        this.finishSplit();
        if (emitted >= LINES_PER_POLL) return 'more';
        continue;
      }
      if (emitted >= LINES_PER_POLL) return 'more';
      // The rest of the buffer is a partial line: read on.
      this.compact(split.offset!);
      this.startRead();
      return emitted > 0 ? 'more' : 'nothing';
    }
    return 'end';
  }

  isAvailable(): Promise<void> {
    return this.reading ?? Promise.resolve();
  }

  snapshotState(): FileSplit[] {
    return this.splits.slice(this.current).map((s) => ({ ...s }));
  }

  async close(): Promise<void> {
    await this.reading?.catch(() => {});
    await this.handle?.close();
    this.handle = undefined;
  }

  /** For a split that starts mid-file: skips to just after the first newline at or after its start. */
  private findFirstLine(split: FileSplit): boolean {
    const from = Math.max(0, split.start - this.bufferStart);
    const newline = this.buffer.indexOf(NEWLINE, from);
    if (newline === -1) return false;
    split.offset = this.bufferStart + newline + 1;
    return true;
  }

  private finishSplit(): void {
    this.current++;
    void this.handle?.close();
    this.handle = undefined;
    this.buffer = Buffer.alloc(0);
    this.endOfFile = false;
    this.reading = this.openCurrent();
  }

  private async openCurrent(): Promise<void> {
    const split = this.splits[this.current];
    if (!split) return;
    try {
      this.handle = await open(split.path, 'r');
    } catch (error) {
      this.failure = new FileConnectorError('FileNotFound', `FileSource: cannot open ${split.path}: ${(error as Error).message}`, error);
      return;
    }
    this.bufferStart = split.offset ?? split.start;
    this.readPosition = this.bufferStart;
    this.buffer = Buffer.alloc(0);
    this.endOfFile = false;
    this.reading = undefined;
  }

  /** Drops emitted bytes before `offset`. */
  private compact(offset: number): void {
    if (offset > this.bufferStart) {
      this.buffer = this.buffer.subarray(offset - this.bufferStart);
      this.bufferStart = offset;
    }
  }

  private startRead(): void {
    if (this.reading !== undefined || this.endOfFile || this.handle === undefined) return;
    const handle = this.handle;
    const chunk = Buffer.allocUnsafe(this.chunkSize);
    this.reading = handle.read(chunk, 0, chunk.length, this.readPosition).then(
      ({ bytesRead }) => {
        this.reading = undefined;
        if (handle !== this.handle) return;
        if (bytesRead === 0) {
          this.endOfFile = true;
          return;
        }
        this.readPosition += bytesRead;
        this.buffer = this.buffer.length === 0 ? chunk.subarray(0, bytesRead) : Buffer.concat([this.buffer, chunk.subarray(0, bytesRead)]);
      },
      (error: Error) => {
        this.reading = undefined;
        this.failure = new FileConnectorError('FileReadFailed', `FileSource: reading ${this.splits[this.current]?.path} failed: ${error.message}`, error);
      },
    );
  }
}

/** Newlines never occur inside a multi-byte UTF-8 sequence, so a line decodes on its own. */
function decode(buffer: Buffer, from: number, to: number): string {
  if (to > from && buffer[to - 1] === CARRIAGE_RETURN) to--;
  return buffer.toString('utf8', from, to);
}
