/**
 * Reads the lines of one split from its file, one chunk ahead of the lines it emits, with at most one
 * file operation (open or read) in flight. Bytes wait in one growable buffer until they form a whole
 * line, so a line is decoded once, complete: UTF-8 sequences cut by a chunk boundary decode correctly.
 */
import { open, type FileHandle } from 'node:fs/promises';
import type { SourceOutput } from '@sage/core';
import { FileSourceError } from '../errors.js';
import type { FileSplit } from './file-splits.js';

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

export class SplitReader {
  private handle: FileHandle | undefined;
  /** Unconsumed bytes are buffer[begin, filled); buffer[0] is at file position `bufferPosition`. */
  private buffer: Buffer;
  private begin = 0;
  private filled = 0;
  private bufferPosition: number;
  private endOfFile = false;
  /** The open or read in flight; it never rejects, a failure is kept for the next poll. */
  private inFlight: Promise<void> | undefined;
  private failure: FileSourceError | undefined;
  private finished = false;
  /** The last poll ended because collect() answered false. */
  stopped = false;

  constructor(
    /** Mutated as lines are emitted: its offset is the reader's checkpointed position. */
    readonly split: FileSplit,
    private readonly chunkSize: number,
  ) {
    this.buffer = Buffer.allocUnsafe(2 * chunkSize);
    // A split that has not found its first line yet reads from its start, where the newline that ends
    // the previous split's last line may be.
    this.bufferPosition = split.offset ?? split.start;
    this.inFlight = this.openFile();
  }

  /** True once every line of the split has been emitted. */
  get done(): boolean {
    return this.finished;
  }

  /** Resolves when the open or read in flight has landed; at once when nothing is in flight. */
  whenReadable(): Promise<void> {
    return this.inFlight ?? Promise.resolve();
  }

  /**
   * Emits up to `budget` whole lines from the buffer and returns how many it emitted. When it stops
   * short of the budget without being done, either collect() asked it to (`stopped` is then true) or
   * a read is in flight and whenReadable() tells when to poll again.
   */
  poll(output: SourceOutput<string>, budget: number): number {
    if (this.failure) throw this.failure;
    if (this.finished || this.handle === undefined) return 0;
    // Read ahead while this batch is emitted, so the disk and the pipeline work at the same time.
    if (this.filled - this.begin < this.chunkSize) this.startRead();
    const split = this.split;
    if (split.offset === null && !this.skipToFirstLine(split)) return 0;
    // A view of the bytes that have landed: the read in flight fills the buffer behind them.
    const buffer = this.buffer.subarray(0, this.filled);
    let begin = this.begin;
    let emitted = 0;
    let next = this.bufferPosition + begin;
    let goOn = true;
    while (goOn && emitted < budget && next <= split.end) {
      const newline = buffer.indexOf(NEWLINE, begin);
      if (newline === -1) {
        // The file's last line may have no newline: it ends at the end of the file.
        if (this.endOfFile && begin < buffer.length) {
          output.collect(decodeLine(buffer, begin, buffer.length));
          emitted++;
          begin = buffer.length;
        }
        break;
      }
      goOn = output.collect(decodeLine(buffer, begin, newline));
      emitted++;
      begin = newline + 1;
      next = this.bufferPosition + begin;
    }
    this.stopped = !goOn;
    this.begin = begin;
    split.offset = this.bufferPosition + begin;
    if (split.offset > split.end || (this.endOfFile && begin === this.filled)) {
      this.finished = true;
    } else if (goOn && emitted < budget) {
      // Stopped on a partial line: it needs more bytes, however long it already is.
      this.startRead();
    }
    return emitted;
  }

  /** Closes the file; waits for the operation in flight first, so no read lands in a closed handle. */
  async close(): Promise<void> {
    await this.inFlight;
    const handle = this.handle;
    this.handle = undefined;
    this.finished = true;
    await handle?.close();
  }

  /**
   * For a split that starts mid-file: its first line begins after the first newline at or after its
   * start (a line beginning exactly at the start belongs to the previous split, which reads one line
   * past its end). Bytes scanned are dropped, so skipping a long line does not grow the buffer.
   */
  private skipToFirstLine(split: FileSplit): boolean {
    const newline = this.buffer.subarray(0, this.filled).indexOf(NEWLINE, this.begin);
    if (newline !== -1) {
      this.begin = newline + 1;
      split.offset = this.bufferPosition + this.begin;
      if (split.offset > split.end) this.finished = true;
      return !this.finished;
    }
    this.begin = this.filled;
    if (this.endOfFile || this.bufferPosition + this.filled >= split.end) {
      // No newline before the end of the file, or none at a position where a line of this split could
      // begin: the split owns no line.
      this.finished = true;
    } else {
      this.startRead();
    }
    return false;
  }

  private async openFile(): Promise<void> {
    try {
      this.handle = await open(this.split.path, 'r');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'FileNotFound' : 'FileReadFailed';
      this.failure = new FileSourceError(
        code,
        `FileSource: cannot open ${this.split.path}: ${(error as Error).message} — input files must stay in place until the job has finished`,
        error,
      );
    } finally {
      this.inFlight = undefined;
    }
  }

  private startRead(): void {
    if (this.inFlight !== undefined || this.endOfFile || this.handle === undefined || this.finished) return;
    this.makeRoom();
    const handle = this.handle;
    const position = this.bufferPosition + this.filled;
    this.inFlight = handle.read(this.buffer, this.filled, this.chunkSize, position).then(
      ({ bytesRead }) => {
        this.inFlight = undefined;
        if (bytesRead === 0) this.endOfFile = true;
        this.filled += bytesRead;
      },
      (error: Error) => {
        this.inFlight = undefined;
        this.failure = new FileSourceError('FileReadFailed', `FileSource: reading ${this.split.path} failed: ${error.message}`, error);
      },
    );
  }

  /**
   * Moves the unconsumed bytes to the front and grows the buffer if a chunk does not fit behind them.
   * Growth doubles, so a line many chunks long costs linear copying, not quadratic.
   */
  private makeRoom(): void {
    const unconsumed = this.filled - this.begin;
    if (this.begin > 0) {
      this.buffer.copy(this.buffer, 0, this.begin, this.filled);
      this.bufferPosition += this.begin;
      this.begin = 0;
      this.filled = unconsumed;
    }
    if (this.buffer.length - this.filled < this.chunkSize) {
      const grown = Buffer.allocUnsafe(Math.max(2 * this.buffer.length, this.filled + this.chunkSize));
      this.buffer.copy(grown, 0, 0, this.filled);
      this.buffer = grown;
    }
  }
}

/** Strips the '\r' of a CRLF line ending. Newlines never occur inside a UTF-8 sequence. */
function decodeLine(buffer: Buffer, from: number, to: number): string {
  if (to > from && buffer[to - 1] === CARRIAGE_RETURN) to--;
  return buffer.toString('utf8', from, to);
}
