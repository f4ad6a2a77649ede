import { it, expect } from 'vitest';
import { StreamExecutionEnvironment, type Source, type SourceReader } from '@sage/core';
import { LocalCluster } from '../cluster/local-cluster.js';
import { CollectSink } from '../testing/collect-sink.js';

class TimerSource implements Source<number, number> {
  readonly name = 'Timer';
  readonly boundedness = 'bounded' as const;
  createReader(): SourceReader<number, number> {
    let produced = 0; const ready: number[] = []; let timer: NodeJS.Timeout | undefined;
    return {
      async start() { timer = setInterval(() => { if (produced < 20) ready.push(produced++); }, 1); },
      pollNext(out) { const n = ready.shift(); if (n === undefined) return produced >= 20 ? 'end' : 'nothing'; out.collect(n); return 'more'; },
      isAvailable: () => Promise.resolve(),
      snapshotState: () => [produced],
      async close() { clearInterval(timer); },
    };
  }
}
it('source nothing + resolved isAvailable', async () => {
  const env = new StreamExecutionEnvironment();
  const sink = new CollectSink<number>();
  env.fromSource(new TimerSource()).sink(sink);
  const result = await new LocalCluster().execute(env.compile()).result;
  expect(result.state).toBe('FINISHED');
  expect(sink.values.length).toBe(20);
}, 5000);
