/**
 * A sink that keeps every record in memory, in arrival order per subtask: for tests and notebooks that
 * run a job in this process (LocalCluster). Results become visible when the job finishes, as committed
 * output does.
 */
import type { Committer, Sink, SinkWriter, SinkWriterContext } from '@sage/core';

export class CollectSink<T> implements Sink<T, { subtask: number; values: T[] }> {
  readonly name = 'Collect';
  /** Committed records of each subtask, by subtask index. */
  readonly committed = new Map<number, T[]>();

  /** All committed records, subtask by subtask. */
  get values(): T[] {
    return [...this.committed.keys()].sort((a, b) => a - b).flatMap((k) => this.committed.get(k)!);
  }

  createWriter(ctx: SinkWriterContext): SinkWriter<T, { subtask: number; values: T[] }> {
    let pending: T[] = [];
    return {
      write(value: T) {
        pending.push(value);
      },
      async prepareCommit() {
        const values = pending;
        pending = [];
        return [{ subtask: ctx.subtaskIndex, values }];
      },
      async close() {},
    };
  }

  createCommitter(): Committer<{ subtask: number; values: T[] }> {
    return {
      commit: async (committables) => {
        for (const { subtask, values } of committables) {
          const list = this.committed.get(subtask) ?? [];
          for (const value of values) list.push(value);
          this.committed.set(subtask, list);
        }
      },
    };
  }
}
