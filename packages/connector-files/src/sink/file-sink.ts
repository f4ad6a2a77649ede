/**
 * FileSink: one JSON record per line, in part files per subtask under a directory. A part file is
 * written hidden (`.part-…inprogress`) and becomes visible (`part-…`) only when it is committed — at
 * the end of a bounded job, and at each completed checkpoint once checkpoints run — so a reader of the
 * directory sees committed results only. Committing is a rename, and idempotent.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { open, rename, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import type { CommitPoint, Committer, Sink, SinkWriter, SinkWriterContext } from '@sage/core';
import { FileConnectorError } from './errors.js';

export interface FileSinkOptions {
  /** The directory the part files go to; created if missing. */
  readonly path: string;
  /** A part file is closed and a new one started past this size. */
  readonly rollingSizeBytes?: number;
}

/** A closed part file waiting to become visible. */
export interface FileCommittable {
  readonly inProgress: string;
  readonly final: string;
}

const DEFAULT_ROLLING_SIZE = 128 * 1024 * 1024;
const CHUNK_BYTES = 64 * 1024;
/** Beyond this many bytes waiting for the disk, the writer asks the task to hold back. */
const MAX_PENDING_BYTES = 4 * 1024 * 1024;

export class FileSink<T> implements Sink<T, FileCommittable> {
  readonly name = 'Files';

  constructor(private readonly options: FileSinkOptions) {
    if (!options || typeof options.path !== 'string' || options.path.length === 0) {
      throw new TypeError("FileSink needs a path: new FileSink({ path: 'out/' })");
    }
  }

  createWriter(ctx: SinkWriterContext): SinkWriter<T, FileCommittable> {
    return new FileWriter<T>(this.options.path, ctx, this.options.rollingSizeBytes ?? DEFAULT_ROLLING_SIZE);
  }

  createCommitter(): Committer<FileCommittable> {
    return new FileCommitter();
  }
}

interface PartFile {
  readonly inProgress: string;
  readonly final: string;
  handle: FileHandle | undefined;
  bytes: number;
}

class FileWriter<T> implements SinkWriter<T, FileCommittable> {
  private chunk: string[] = [];
  private chunkBytes = 0;
  private pendingBytes = 0;
  private part: PartFile | undefined;
  private counter = 0;
  private readonly closed: FileCommittable[] = [];
  /** Disk work in order: opens, writes and closes of part files. */
  private disk: Promise<void> = Promise.resolve();
  private failure: Error | undefined;
  /** Unique per writer instance, so parts of different attempts or subtasks never share a name. */
  private readonly token = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;

  constructor(
    private readonly dir: string,
    private readonly ctx: SinkWriterContext,
    private readonly rollingSize: number,
  ) {
    mkdirSync(dir, { recursive: true });
  }

  write(value: T): void {
    if (this.failure) throw this.failure;
    const line = JSON.stringify(value) + '\n';
    this.chunk.push(line);
    this.chunkBytes += line.length;
    if (this.chunkBytes >= Math.min(CHUNK_BYTES, this.rollingSize)) this.flushChunk();
  }

  isAvailable(): boolean {
    return this.pendingBytes < MAX_PENDING_BYTES;
  }

  whenAvailable(): Promise<void> {
    return this.disk.then(
      () => {},
      () => {},
    );
  }

  async prepareCommit(_point: CommitPoint): Promise<FileCommittable[]> {
    this.flushChunk();
    this.closePart();
    await this.disk;
    if (this.failure) throw this.failure;
    return this.closed.splice(0);
  }

  async close(): Promise<void> {
    this.flushChunk();
    const part = this.part;
    this.part = undefined;
    this.enqueue(async () => {
      await part?.handle?.close();
    });
    await this.disk.catch(() => {});
  }

  private flushChunk(): void {
    if (this.chunkBytes === 0) return;
    const data = this.chunk.join('');
    this.chunk = [];
    this.chunkBytes = 0;
    if (this.part === undefined) {
      const name = `part-${this.ctx.subtaskIndex}-${this.token}-${this.counter++}`;
      this.part = { inProgress: join(this.dir, `.${name}.inprogress`), final: join(this.dir, name), handle: undefined, bytes: 0 };
    }
    const part = this.part;
    const bytes = Buffer.byteLength(data);
    part.bytes += bytes;
    this.pendingBytes += bytes;
    this.enqueue(async () => {
      part.handle ??= await open(part.inProgress, 'w');
      await part.handle.write(data);
      this.pendingBytes -= bytes;
    });
    if (part.bytes >= this.rollingSize) this.closePart();
  }

  private closePart(): void {
    const part = this.part;
    if (part === undefined) return;
    this.part = undefined;
    this.enqueue(async () => {
      await part.handle?.close();
      part.handle = undefined;
      this.closed.push({ inProgress: part.inProgress, final: part.final });
    });
  }

  private enqueue(work: () => Promise<void>): void {
    this.disk = this.disk.then(async () => {
      if (this.failure) return;
      try {
        await work();
      } catch (error) {
        this.failure = new FileConnectorError('FileWriteFailed', `FileSink: writing under ${this.dir} failed: ${(error as Error).message}`, error);
      }
    });
  }
}

class FileCommitter implements Committer<FileCommittable> {
  async commit(committables: readonly FileCommittable[]): Promise<void> {
    for (const { inProgress, final } of committables) {
      try {
        await rename(inProgress, final);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
          throw new FileConnectorError('CommitFailed', `FileSink: cannot commit ${inProgress}: ${(error as Error).message}`, error);
        }
        // Committed already (a retry after recovery) when the final file exists.
        if (!existsSync(final)) {
          throw new FileConnectorError(
            'CommitFailed',
            `FileSink: neither ${inProgress} nor ${final} exists: the part file was deleted before it was committed`,
          );
        }
      }
    }
  }
}
