/**
 * A sink that keeps every record in memory, in arrival order per subtask: for tests and notebooks that
 * run a job in this process (LocalCluster). Results become visible when a checkpoint covering them
 * completes or the job finishes, as committed output does; a committable committed twice (after a
 * restore) counts once, as the Sink contract asks.
 */
import type { Committer, Sink, SinkWriter, SinkWriterContext } from '@sage/core';

interface CollectCommittable<T> {
  readonly id: string;
  readonly subtask: number;
  readonly values: T[];
}

let writerCounter = 0;

export class CollectSink<T> implements Sink<T, CollectCommittable<T>> {
  readonly name = 'Collect';
  /** Committed records of each subtask, by subtask index. */
  readonly committed = new Map<number, T[]>();
  private readonly committedIds = new Set<string>();

  /** All committed records, subtask by subtask. */
  get values(): T[] {
    return [...this.committed.keys()].sort((a, b) => a - b).flatMap((k) => this.committed.get(k)!);
  }

  createWriter(ctx: SinkWriterContext): SinkWriter<T, CollectCommittable<T>> {
    let pending: T[] = [];
    const writer = `${ctx.subtaskIndex}-${ctx.attemptNumber}-${writerCounter++}`;
    let prepared = 0;
    return {
      write(value: T) {
        pending.push(value);
      },
      async prepareCommit() {
        if (pending.length === 0) return [];
        const values = pending;
        pending = [];
        return [{ id: `${writer}-${prepared++}`, subtask: ctx.subtaskIndex, values }];
      },
      async close() {},
    };
  }

  createCommitter(): Committer<CollectCommittable<T>> {
    return {
      commit: async (committables) => {
        for (const { id, subtask, values } of committables) {
          if (this.committedIds.has(id)) continue;
          this.committedIds.add(id);
          const list = this.committed.get(subtask) ?? [];
          for (const value of values) list.push(value);
          this.committed.set(subtask, list);
        }
      },
    };
  }
}
