import { it, expect } from 'vitest';
import { StreamExecutionEnvironment, type Sink, type SinkWriter, type Source, type SourceReader } from '@sage/core';
import { LocalCluster } from '../cluster/local-cluster.js';

class TimerDrainedSink implements Sink<number, never> {
  readonly name = 'TimerDrained';
  readonly written: number[] = [];
  createWriter(): SinkWriter<number, never> {
    const buffer: number[] = [];
    let timer: NodeJS.Timeout | undefined;
    const drain = () => { timer = undefined; this.written.push(...buffer.splice(0)); };
    return {
      write: (n) => { buffer.push(n); if (!timer) timer = setTimeout(drain, 1); },
      isAvailable: () => buffer.length < 10,
      prepareCommit: async () => { drain(); return []; },
      close: async () => { if (timer) clearTimeout(timer); },
    };
  }
}
it('sink without whenAvailable', async () => {
  const env = new StreamExecutionEnvironment();
  const sink = new TimerDrainedSink();
  env.fromSequence(1, 100_000).sink(sink);
  const result = await new LocalCluster().execute(env.compile()).result;
  expect(result.state).toBe('FINISHED');
  expect(sink.written.length).toBe(100_000);
}, 5000);
