// Numbers from text files through a keyed count, with checkpoints and the exactly-once FileSink, for
// tests with fewer files than source subtasks. `sage run file-counts.ts -p N -- <input dir> <output dir>
// <records per second per source subtask>`: each line is a number n, keyed by n % 13, with a running count per
// key, written as JSON lines (every number once, and per key the counts 1..(numbers of that key)).
import { defineJob, RestartStrategies } from '@sage/core';
import { FileSink, FileSource } from '@sage/connector-files';
import { Throttle } from './throttle.js';

interface Count {
  readonly key: number;
  readonly n: number;
  readonly count: number;
}

export default defineJob((env, args) => {
  const [input, output, rate = '2000'] = args;
  if (!input || !output) throw new Error('usage: -- <input dir> <output dir> [records per second per source subtask]');
  env.setJobName('File counts');
  env.enableCheckpointing(200, { retained: 3 });
  env.setRestartStrategy(RestartStrategies.fixedDelay({ attempts: 20, delayMs: 500 }));
  env
    // Small reads: a few lines per poll, so the throttle sleeps a few milliseconds at a time.
    .fromSource(new FileSource({ path: input, chunkSizeBytes: 64 }), { name: 'Source: Lines', uid: 'lines' })
    .map(new Throttle<string>(Number(rate)))
    .uid('throttle')
    .map((line): Count => {
      const n = Number(line);
      return { key: n % 13, n, count: 1 };
    })
    .uid('to-counts')
    .keyBy((c) => c.key)
    .reduce((a, b): Count => ({ key: a.key, n: b.n, count: a.count + b.count }))
    .uid('counts')
    .sink(new FileSink<Count>({ path: output }))
    .uid('files');
});
