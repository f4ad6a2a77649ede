/**
 * What a checkpoint keeps of a FileSink writer, and what a writer restored from it does with it.
 *
 * A killed process never runs close(), so the in-progress parts its writer had not handed out for a
 * commit stay on disk; a restore replays their records from the checkpoint's source positions, so
 * they must go. Each writer's state names its files (subtask and token) and how many parts it had
 * handed out when the checkpoint was taken: parts 0…handedOut-1 are the checkpoint's committables
 * (committed, or about to be by whichever subtask restores them — after a rescale, maybe not this
 * one, and maybe not yet), parts from handedOut on belong to no completed checkpoint and are removed.
 */
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { FileSinkError } from '../errors.js';
import { inProgressPartNumber, TOKEN_PATTERN } from './part-files.js';

export interface FileSinkWriterState {
  readonly subtaskIndex: number;
  readonly token: string;
  /** Parts 0…handedOut-1 were handed out for a commit at or before the checkpoint. */
  readonly handedOut: number;
}

/** Checks the writer state list a checkpoint gave back; after a rescale it may hold several writers' states. */
export function parseWriterStates(restored: readonly unknown[]): FileSinkWriterState[] {
  return restored.map((element) => {
    const { subtaskIndex, token, handedOut } = (element ?? {}) as Partial<Record<keyof FileSinkWriterState, unknown>>;
    if (!isCount(subtaskIndex) || typeof token !== 'string' || !TOKEN_PATTERN.test(token) || !isCount(handedOut)) {
      throw new FileSinkError(
        'InvalidWriterState',
        `FileSink: the checkpoint holds writer state ${JSON.stringify(element)}, not a FileSink writer's { subtaskIndex, token, handedOut } — was another sink given this operator's uid? Restore with the sink that wrote the checkpoint`,
      );
    }
    return { subtaskIndex, token, handedOut };
  });
}

/** Removes the in-progress parts of the restored writers that no completed checkpoint covers. */
export async function removeUncoveredParts(dir: string, states: readonly FileSinkWriterState[]): Promise<void> {
  if (states.length === 0) return;
  for (const name of await readdir(dir)) {
    const uncovered = states.some(({ subtaskIndex, token, handedOut }) => (inProgressPartNumber(name, subtaskIndex, token) ?? -1) >= handedOut);
    if (!uncovered) continue;
    try {
      // force: a file gone since the listing is not a failure.
      await rm(join(dir, name), { force: true });
    } catch (error) {
      throw new FileSinkError(
        'FileWriteFailed',
        `FileSink: cannot remove ${join(dir, name)}, an in-progress part an earlier attempt left behind: ${(error as Error).message} — check the output directory's permissions`,
        error,
      );
    }
  }
}

function isCount(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}
