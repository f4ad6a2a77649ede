import type { Sink, SinkWriter, SinkWriterContext } from './sink.js';

// core stays free of Node's types; every JavaScript runtime has a console.
declare const console: { log(line: string): void };

/**
 * Writes each record to standard output, one per line, prefixed with the subtask (`2> `) when the sink
 * runs with more than one subtask, as Flink's print(). Strings print as they are, other values as JSON.
 */
export class PrintSink<T> implements Sink<T, never> {
  readonly name = 'Print';

  constructor(private readonly prefix = '') {}

  createWriter(ctx: SinkWriterContext): SinkWriter<T, never> {
    const subtask = ctx.parallelism > 1 ? `${ctx.subtaskIndex + 1}> ` : '';
    const prefix = this.prefix ? `${this.prefix}:${subtask || ' '}` : subtask;
    return new PrintWriter<T>(prefix);
  }
}

class PrintWriter<T> implements SinkWriter<T, never> {
  constructor(private readonly prefix: string) {}

  write(value: T): void {
    console.log(this.prefix + (typeof value === 'string' ? value : JSON.stringify(value)));
  }

  async prepareCommit(): Promise<never[]> {
    return [];
  }

  async close(): Promise<void> {}
}
