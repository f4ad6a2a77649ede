/**
 * Makes part files visible by renaming them. A rename is atomic, so a reader sees a whole part file or
 * none of it; and committing again what was committed already is harmless, as the Sink contract asks
 * (after a failure the same checkpoint's committables may be committed a second time).
 */
import { access, rename } from 'node:fs/promises';
import type { Committer } from '@sage/core';
import { FileSinkError } from '../errors.js';
import type { FileCommittable } from './part-files.js';

export class FileCommitter implements Committer<FileCommittable> {
  async commit(committables: readonly FileCommittable[]): Promise<void> {
    for (const part of committables) await commitPart(part);
  }
}

async function commitPart({ inProgress, final }: FileCommittable): Promise<void> {
  try {
    await rename(inProgress, final);
    return;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new FileSinkError('CommitFailed', `FileSink: cannot rename ${inProgress} to ${final}: ${(error as Error).message} — check the output directory's permissions`, error);
    }
  }
  // The in-progress file is gone: an earlier commit renamed it if the final file is there.
  if (await exists(final)) return;
  throw new FileSinkError(
    'PartFileMissing',
    `FileSink: neither ${inProgress} nor ${final} exists, so that part's records are lost — something removed the in-progress file before it was committed; keep other processes out of the output directory and run the job again`,
  );
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw new FileSinkError('CommitFailed', `FileSink: cannot check ${path}: ${(error as Error).message}`, error);
  }
}
