/**
 * The splits of a FileSource: every regular, non-hidden file under the path (sorted by name), cut into
 * byte ranges. A split [start, end] owns the lines that begin in (start, end] — or [0, end] for the
 * first — the way Hadoop's TextInputFormat cuts files, so each line is read by exactly one split
 * whatever the cut points.
 */
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { FileConnectorError } from './errors.js';

export interface FileSplit {
  readonly path: string;
  readonly start: number;
  /** Last byte position at which a line of this split may begin (the next split's start). */
  readonly end: number;
  /** Where the next line to emit begins; null until the split has found its first line. */
  offset: number | null;
}

export async function listFiles(path: string): Promise<string[]> {
  let info;
  try {
    info = await stat(path);
  } catch {
    throw new FileConnectorError('FileNotFound', `FileSource: ${path} does not exist — give an existing file or directory`);
  }
  if (info.isFile()) return [path];
  const names = (await readdir(path, { withFileTypes: true }))
    .filter((e) => e.isFile() && !e.name.startsWith('.') && !e.name.startsWith('_'))
    .map((e) => e.name)
    .sort();
  return names.map((name) => join(path, name));
}

export async function createSplits(path: string, splitSizeBytes: number): Promise<FileSplit[]> {
  const splits: FileSplit[] = [];
  for (const file of await listFiles(path)) {
    const size = (await stat(file)).size;
    if (size === 0) continue;
    for (let start = 0; start < size; start += splitSizeBytes) {
      splits.push({ path: file, start, end: start + splitSizeBytes, offset: start === 0 ? 0 : null });
    }
  }
  return splits;
}
