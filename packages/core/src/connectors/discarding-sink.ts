import type { Sink, SinkWriter } from './sink.js';

/** Drops every record; for benchmarks and for jobs run only for their side effects. */
export class DiscardingSink<T> implements Sink<T, never> {
  readonly name = 'Discard';

  createWriter(): SinkWriter<T, never> {
    return {
      write() {},
      async prepareCommit() {
        return [];
      },
      async close() {},
    };
  }
}
