/**
 * Names of a FileSink's part files. Every writer draws a random token, so that no two writers —
 * subtasks, attempts after a restart, or later jobs writing into the same directory — ever share a
 * name: a restarted attempt never appends to, and a commit never replaces, another writer's file.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';

/** A closed part file that becomes visible when it is committed. */
export interface FileCommittable {
  /** The hidden file holding the records: `<dir>/.part-<subtask>-<token>-<n>.inprogress`. */
  readonly inProgress: string;
  /** Its name once committed: `<dir>/part-<subtask>-<token>-<n>`. */
  readonly final: string;
}

/** A writer's token, 12 hex digits; restored state is checked against it, so it can only ever name part files. */
export const TOKEN_PATTERN = /^[0-9a-f]{12}$/;

export class PartFileNames {
  readonly token = randomBytes(6).toString('hex');
  private counter = 0;

  constructor(
    private readonly dir: string,
    readonly subtaskIndex: number,
  ) {}

  next(): FileCommittable {
    const name = `part-${this.subtaskIndex}-${this.token}-${this.counter++}`;
    return { inProgress: join(this.dir, `.${name}.inprogress`), final: join(this.dir, name) };
  }
}

/**
 * The part number of `name` if it is an in-progress file of the writer (`subtaskIndex`, `token`),
 * else undefined. The whole name is matched, so no other writer's file is ever taken for this one's.
 */
export function inProgressPartNumber(name: string, subtaskIndex: number, token: string): number | undefined {
  const prefix = `.part-${subtaskIndex}-${token}-`;
  const suffix = '.inprogress';
  if (!name.startsWith(prefix) || !name.endsWith(suffix)) return undefined;
  const digits = name.slice(prefix.length, name.length - suffix.length);
  return /^(0|[1-9][0-9]*)$/.test(digits) ? Number(digits) : undefined;
}
