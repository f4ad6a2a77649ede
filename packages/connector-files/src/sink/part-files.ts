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

export class PartFileNames {
  private readonly prefix: string;
  private counter = 0;

  constructor(
    private readonly dir: string,
    subtaskIndex: number,
  ) {
    this.prefix = `part-${subtaskIndex}-${randomBytes(6).toString('hex')}`;
  }

  next(): FileCommittable {
    const name = `${this.prefix}-${this.counter++}`;
    return { inProgress: join(this.dir, `.${name}.inprogress`), final: join(this.dir, name) };
  }
}
