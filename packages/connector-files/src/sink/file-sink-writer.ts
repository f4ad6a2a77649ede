/**
 * A FileSink subtask's writer. write() only appends a line to an in-memory chunk; full chunks go to the
 * current in-progress part file through one queue of disk operations (mkdir, open, write, close), so
 * writes land in order with one in flight. The writer reports itself unavailable while too many bytes
 * wait for the disk, which stops the task from feeding it: backpressure instead of memory. A writer
 * restored from a checkpoint first removes, in that same queue, what the writers it replaces left on
 * disk that the checkpoint does not cover (see writer-state.ts).
 */
import { mkdir, open, rm, type FileHandle } from 'node:fs/promises';
import type { CommitPoint, SinkWriter } from '@sage/core';
import { FileSinkError } from '../errors.js';
import { PartFileNames, type FileCommittable } from './part-files.js';
import { removeUncoveredParts, type FileSinkWriterState } from './writer-state.js';

/** Characters gathered before a chunk is handed to the disk queue. */
const CHUNK_CHARS = 64 * 1024;
/** Beyond this many bytes waiting for the disk, the writer asks the task to hold back. */
const MAX_PENDING_BYTES = 4 * 1024 * 1024;

interface PartFile extends FileCommittable {
  handle: FileHandle | undefined;
  /** Bytes handed to the disk queue for this file. */
  size: number;
  /** Bytes that have reached the file: where the next write goes. */
  written: number;
  /** The in-progress file exists on disk. */
  created: boolean;
  /** Synced and closed: ready to be committed. */
  closed: boolean;
}

export class FileSinkWriter<T> implements SinkWriter<T, FileCommittable> {
  private chunk = '';
  /** The part file receiving chunks; undefined until there is something to write. */
  private part: PartFile | undefined;
  /** Every part file not yet handed out as a committable, the current one included. */
  private parts: PartFile[] = [];
  private readonly names: PartFileNames;
  /** Parts handed out by prepareCommit: always parts 0…handedOut-1, as parts close in order. */
  private handedOut = 0;
  /** Restored writers' states whose leftover parts are not removed yet. */
  private uncleaned: readonly FileSinkWriterState[];
  private disk: Promise<void>;
  private pendingBytes = 0;
  private failure: FileSinkError | undefined;
  private dirMade = false;

  constructor(
    private readonly dir: string,
    subtaskIndex: number,
    private readonly rollingSize: number,
    restored: readonly FileSinkWriterState[],
  ) {
    this.names = new PartFileNames(dir, subtaskIndex);
    this.uncleaned = restored;
    this.disk = Promise.resolve();
    // The directory is made with the first part file, not here: a job that fails before it writes a
    // record leaves no empty output directory behind on the TaskManagers.
    if (restored.length > 0) {
      this.enqueue(async () => {
        await mkdir(dir, { recursive: true });
        await removeUncoveredParts(dir, restored);
        this.uncleaned = [];
      });
    }
  }

  write(value: T): void {
    if (this.failure) throw this.failure;
    const json = JSON.stringify(value);
    if (json === undefined) {
      throw new FileSinkError(
        'UnserializableRecord',
        `FileSink: a record of type ${typeof value} has no JSON form — map records to objects, arrays, strings, numbers, booleans or null before the sink`,
      );
    }
    this.chunk += json + '\n';
    if (this.chunk.length >= CHUNK_CHARS) this.flushChunk();
  }

  isAvailable(): boolean {
    // After a failure the queued chunks are dropped and the pending count never falls again: a failed
    // writer reports itself available, so that the task's next write() throws instead of waiting.
    return this.failure !== undefined || this.pendingBytes < MAX_PENDING_BYTES;
  }

  whenAvailable(): Promise<void> {
    return this.disk;
  }

  async prepareCommit(_point: CommitPoint): Promise<FileCommittable[]> {
    // Every commit point closes the current part, so that what it covers can be renamed on its own.
    this.flushChunk();
    this.closePart();
    await this.disk;
    if (this.failure) throw this.failure;
    const ready = this.parts.filter((part) => part.closed);
    this.parts = this.parts.filter((part) => !part.closed);
    this.handedOut += ready.length;
    return ready.map(({ inProgress, final }) => ({ inProgress, final }));
  }

  /**
   * Enough to find, after a crash, this writer's parts that the checkpoint does not cover. The restored
   * states ride along until their leftovers are gone, so that a checkpoint taken before that still
   * leads a later restore to them.
   */
  snapshotState(_checkpointId: number): FileSinkWriterState[] {
    const own = { subtaskIndex: this.names.subtaskIndex, token: this.names.token, handedOut: this.handedOut };
    return [own, ...this.uncleaned];
  }

  /**
   * Ends the writer. Part files still held here were never handed out for a commit, so no checkpoint
   * refers to them: they are removed, and without a commit nothing of this writer becomes visible.
   */
  async close(): Promise<void> {
    this.chunk = '';
    await this.disk;
    const abandoned = this.parts;
    this.parts = [];
    this.part = undefined;
    for (const part of abandoned) {
      try {
        await part.handle?.close();
        part.handle = undefined;
        if (part.created) await rm(part.inProgress, { force: true });
      } catch (error) {
        throw new FileSinkError('FileWriteFailed', `FileSink: cannot remove the abandoned part file ${part.inProgress}: ${(error as Error).message}`, error);
      }
    }
  }

  private flushChunk(): void {
    if (this.chunk.length === 0) return;
    const data = Buffer.from(this.chunk, 'utf8');
    this.chunk = '';
    if (this.part === undefined) {
      this.part = { ...this.names.next(), handle: undefined, size: 0, written: 0, created: false, closed: false };
      this.parts.push(this.part);
    }
    const part = this.part;
    part.size += data.length;
    this.pendingBytes += data.length;
    this.enqueue(async () => {
      try {
        // 'wx': a part file is always new, never another writer's file reopened.
        if (part.handle === undefined) {
          if (!this.dirMade) {
            await mkdir(this.dir, { recursive: true });
            this.dirMade = true;
          }
          part.handle = await open(part.inProgress, 'wx');
          part.created = true;
        }
        for (let offset = 0; offset < data.length; ) {
          const { bytesWritten } = await part.handle.write(data, offset, data.length - offset, part.written);
          offset += bytesWritten;
          part.written += bytesWritten;
        }
      } finally {
        this.pendingBytes -= data.length;
      }
    });
    if (part.size >= this.rollingSize) this.closePart();
  }

  private closePart(): void {
    const part = this.part;
    if (part === undefined) return;
    this.part = undefined;
    this.enqueue(async () => {
      // Durable before it can be committed: a rename must never publish a file whose bytes a crash
      // of the machine could still lose.
      await part.handle!.datasync();
      await part.handle!.close();
      part.handle = undefined;
      part.closed = true;
    });
  }

  /** Runs `work` after everything queued before it; after a failure, nothing more runs. */
  private enqueue(work: () => Promise<void>): void {
    this.disk = this.disk.then(async () => {
      if (this.failure) return;
      try {
        await work();
      } catch (error) {
        this.failure =
          error instanceof FileSinkError
            ? error
            : new FileSinkError(
                'FileWriteFailed',
                `FileSink: writing under ${this.dir} failed: ${(error as Error).message} — check that the directory is writable and has space`,
                error,
              );
      }
    });
  }
}
