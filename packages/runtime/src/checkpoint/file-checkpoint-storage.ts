/**
 * Checkpoints on the local file system, for `sage run --local`:
 *   <root>/<job id>/chk-<n>/<name>.state   state blobs
 *   <root>/<job id>/chk-<n>/_metadata      written last, by rename: a checkpoint without it is not complete
 */
import { copyFile, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256 } from '../checksum.js';
import { decodeCheckpointMetadata, encodeCheckpointMetadata } from './checkpoint-metadata.js';
import {
  CorruptCheckpoint,
  stateBytesLength,
  type CheckpointStorage,
  type CompletedCheckpoint,
  type StateBytes,
  type StateHandle,
  type UnreadableCheckpoint,
} from './checkpoint-storage.js';

export class FileCheckpointStorage implements CheckpointStorage {
  constructor(private readonly root: string) {}

  private counterLock: Promise<unknown> = Promise.resolve();

  /** One at a time: a savepoint and a periodic checkpoint may ask together. */
  nextCheckpointId(jobId: string, after = 0): Promise<number> {
    const next = this.counterLock.then(() => this.incrementCounter(jobId, after));
    this.counterLock = next.catch(() => {});
    return next;
  }

  private async incrementCounter(jobId: string, after: number): Promise<number> {
    const dir = join(this.root, jobId);
    await mkdir(dir, { recursive: true });
    const counter = join(dir, 'checkpoint-counter');
    let last = 0;
    try {
      last = Number(await readFile(counter, 'utf8')) || 0;
    } catch {
      // First checkpoint of this job.
    }
    const next = Math.max(last, after) + 1;
    await writeFile(`${counter}.partial`, String(next));
    await rename(`${counter}.partial`, counter);
    return next;
  }

  async writeState(jobId: string, checkpointId: number, name: string, bytes: StateBytes): Promise<StateHandle> {
    const dir = this.checkpointDir(jobId, checkpointId);
    await mkdir(dir, { recursive: true });
    const file = join(dir, `${encodeURIComponent(name)}.state`);
    // writeFile takes the pieces as they are, one after the other.
    await writeFile(file, bytes);
    return { uri: file, bytes: stateBytesLength(bytes), checksum: sha256(bytes) };
  }

  async readState(handle: StateHandle): Promise<Uint8Array> {
    let bytes: Uint8Array;
    try {
      bytes = await readFile(handle.uri);
    } catch (error) {
      throw new CorruptCheckpoint(`State ${handle.uri} is missing: ${(error as Error).message}`, error);
    }
    if (sha256(bytes) !== handle.checksum) throw new CorruptCheckpoint(`State ${handle.uri} is corrupt: its checksum does not match`);
    return bytes;
  }

  async completeCheckpoint(checkpoint: CompletedCheckpoint): Promise<void> {
    const dir = this.checkpointDir(checkpoint.jobId, checkpoint.checkpointId);
    await mkdir(dir, { recursive: true });
    const partial = join(dir, '_metadata.partial');
    await writeFile(partial, encodeCheckpointMetadata(checkpoint));
    await rename(partial, join(dir, '_metadata'));
  }

  async listCheckpoints(jobId: string, onUnreadable?: (entry: UnreadableCheckpoint) => void): Promise<CompletedCheckpoint[]> {
    let entries: string[];
    try {
      entries = await readdir(join(this.root, jobId));
    } catch {
      return [];
    }
    const ids = entries.flatMap((e) => (/^chk-\d+$/.test(e) ? [Number(e.slice(4))] : [])).sort((a, b) => b - a);
    const checkpoints: CompletedCheckpoint[] = [];
    for (const id of ids) {
      let text: string;
      try {
        text = await readFile(join(this.checkpointDir(jobId, id), '_metadata'), 'utf8');
      } catch {
        // No metadata: the checkpoint never completed, so it is not listed at all.
        continue;
      }
      const decoded = decodeCheckpointMetadata(text, jobId, id);
      if ('checkpoint' in decoded) checkpoints.push(decoded.checkpoint);
      else onUnreadable?.({ checkpointId: id, problem: decoded.problem });
    }
    return checkpoints;
  }

  async discardCheckpoint(jobId: string, checkpointId: number): Promise<void> {
    await rm(this.checkpointDir(jobId, checkpointId), { recursive: true, force: true });
  }

  async copyState(handle: StateHandle, jobId: string, checkpointId: number, name: string): Promise<StateHandle> {
    const dir = this.checkpointDir(jobId, checkpointId);
    await mkdir(dir, { recursive: true });
    const file = join(dir, `${encodeURIComponent(name)}.state`);
    try {
      await copyFile(handle.uri, file);
    } catch (error) {
      throw new CorruptCheckpoint(`State ${handle.uri} is missing: ${(error as Error).message}`, error);
    }
    return { uri: file, bytes: handle.bytes, checksum: handle.checksum };
  }

  async close(): Promise<void> {}

  private checkpointDir(jobId: string, checkpointId: number): string {
    return join(this.root, jobId, `chk-${checkpointId}`);
  }
}
