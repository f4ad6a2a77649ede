/**
 * FileSink: one JSON record per line, in part files per subtask under a directory. A part file is
 * written hidden (`.part-…inprogress`) and becomes visible (`part-…`) only when it is committed — at
 * the end of a bounded job, and when the checkpoint that covers it completes once checkpoints run — so
 * whoever reads the directory sees committed results only. A writer restored from a checkpoint removes
 * the hidden parts of the crashed attempt that the checkpoint does not cover, whose records the
 * restored job writes again.
 */
import type { Committer, Sink, SinkWriter, SinkWriterContext } from '@sage/core';
import { FileSinkError } from '../errors.js';
import { FileCommitter } from './file-committer.js';
import { FileSinkWriter } from './file-sink-writer.js';
import type { FileCommittable } from './part-files.js';
import { parseWriterStates } from './writer-state.js';

export interface FileSinkOptions {
  /**
   * The directory the part files go to; created if missing. In a cluster, an absolute path on a file
   * system every TaskManager writes to.
   */
  readonly path: string;
  /** A part file is closed, and a new one started, once it holds this many bytes. Default 128 MiB. */
  readonly rollingSizeBytes?: number;
}

const DEFAULT_ROLLING_SIZE = 128 * 1024 * 1024;

export class FileSink<T> implements Sink<T, FileCommittable> {
  readonly name = 'Files';
  private readonly rollingSize: number;

  constructor(private readonly options: FileSinkOptions) {
    if (typeof options?.path !== 'string' || options.path.length === 0) {
      throw new FileSinkError('InvalidOption', "FileSink needs a path: new FileSink({ path: 'out/' })");
    }
    const rolling = options.rollingSizeBytes;
    if (rolling !== undefined && (!Number.isSafeInteger(rolling) || rolling <= 0)) {
      throw new FileSinkError('InvalidOption', `FileSink: rollingSizeBytes must be a positive whole number of bytes, got ${rolling}`);
    }
    this.rollingSize = rolling ?? DEFAULT_ROLLING_SIZE;
  }

  createWriter(ctx: SinkWriterContext): SinkWriter<T, FileCommittable> {
    const restored = ctx.restoredState === undefined ? [] : parseWriterStates(ctx.restoredState);
    return new FileSinkWriter<T>(this.options.path, ctx.subtaskIndex, this.rollingSize, restored);
  }

  filePaths(): readonly string[] {
    return [this.options.path];
  }

  createCommitter(): Committer<FileCommittable> {
    return new FileCommitter();
  }
}
