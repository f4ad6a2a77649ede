/**
 * The splits of a FileSource: every regular, non-hidden file under the path (sorted by name), cut into
 * byte ranges. Ranges are cut at fixed byte positions, not at newlines, so that cutting needs only each
 * file's size; which lines belong to which range is settled while reading, the way Hadoop's
 * TextInputFormat does it: a split [start, end] owns the lines that begin in (start, end] — or [0, end]
 * for a file's first split — so every line is read by exactly one split wherever the cuts fall.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { FileSourceError } from '../errors.js';

/** A split and its reading position: the state a FileSource keeps in a checkpoint. */
export interface FileSplit {
  readonly path: string;
  readonly start: number;
  /** The last byte position at which a line of this split may begin (the next split's start). */
  readonly end: number;
  /**
   * Where the next line to emit begins; null while a split that starts mid-file has not yet skipped
   * to its first line.
   */
  offset: number | null;
}

/**
 * The files a FileSource reads. Every subtask lists the path on its own, so the listing must not depend
 * on anything but the directory's content: names are sorted, and hidden files are left out (`.name`,
 * and `_name` as Hadoop and Flink do, which keeps `_SUCCESS` markers and a FileSink's in-progress parts
 * out of the input).
 */
export async function listInputFiles(path: string): Promise<string[]> {
  const info = await statInput(path);
  if (info.isFile()) return [path];
  if (!info.isDirectory()) {
    throw new FileSourceError('FileNotFound', `FileSource: ${path} is neither a regular file nor a directory — give a file or a directory of files`);
  }
  const files: string[] = [];
  const names = (await readdir(path)).filter((name) => !name.startsWith('.') && !name.startsWith('_')).sort();
  for (const name of names) {
    const file = join(path, name);
    // stat, not the directory entry's type, so that symbolic links to files are read too.
    if ((await statInput(file)).isFile()) files.push(file);
  }
  return files;
}

export async function createSplits(path: string, splitSizeBytes: number): Promise<FileSplit[]> {
  const splits: FileSplit[] = [];
  for (const file of await listInputFiles(path)) {
    const { size } = await statInput(file);
    for (let start = 0; start < size; start += splitSizeBytes) {
      splits.push({ path: file, start, end: start + splitSizeBytes, offset: start === 0 ? 0 : null });
    }
  }
  return splits;
}

async function statInput(path: string) {
  try {
    return await stat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new FileSourceError('FileNotFound', `FileSource: ${path} does not exist — give an existing file or directory (in a cluster, an absolute path every TaskManager can see)`, error);
    }
    throw new FileSourceError('FileReadFailed', `FileSource: cannot read ${path}: ${(error as Error).message}`, error);
  }
}
