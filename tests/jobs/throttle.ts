// A sink that passes records on to another sink at no more than a rate per subtask, for test jobs
// whose source reads faster than a test can act (a bounded Kafka topic, one file): the job stays
// mid-stream for seconds. It throttles the way a slow sink does, through isAvailable/whenAvailable,
// so the task waits on a timer (backpressure up to the source) and never blocks its thread.
import type { Committer, Sink, SinkWriter, SinkWriterContext } from '@sage/core';

export class ThrottledSink<T, C> implements Sink<T, C> {
  readonly name: string;

  constructor(
    private readonly inner: Sink<T, C>,
    private readonly recordsPerSecond: number,
  ) {
    this.name = inner.name;
  }

  createWriter(ctx: SinkWriterContext): SinkWriter<T, C> {
    const writer = this.inner.createWriter(ctx);
    const rate = this.recordsPerSecond;
    const startedAt = Date.now();
    let written = 0;
    const due = () => startedAt + (written * 1000) / rate;
    return {
      write(value, timestamp) {
        written++;
        writer.write(value, timestamp);
      },
      isAvailable: () => Date.now() >= due() && (writer.isAvailable?.() ?? true),
      whenAvailable: async () => {
        const wait = due() - Date.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        await writer.whenAvailable?.();
      },
      prepareCommit: (point) => writer.prepareCommit(point),
      ...(writer.snapshotState ? { snapshotState: (checkpointId: number) => writer.snapshotState!(checkpointId) } : {}),
      close: () => writer.close(),
    };
  }

  createCommitter(): Committer<C> {
    return this.inner.createCommitter!();
  }
}
