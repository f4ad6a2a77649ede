// Numbers from text files through a keyed count, with checkpoints and the exactly-once FileSink, for
// tests with fewer files than source subtasks. `sage run file-counts.ts -p N -- <input dir> <output dir>
// <records per second per sink subtask>`: each line is a number n, keyed by n % 13, with a running count per
// key, written as JSON lines (every number once, and per key the counts 1..(numbers of that key)).
import { defineJob, RestartStrategies } from '@sage/core';
import { FileSink, FileSource } from '@sage/connector-files';
import { ThrottledSink } from './throttle.js';

interface Count {
  readonly key: number;
  readonly n: number;
  readonly count: number;
}

export default defineJob((env, args) => {
  const [input, output, rate = '2000'] = args;
  if (!input || !output) throw new Error('usage: -- <input dir> <output dir> [records per second per sink subtask]');
  env.setJobName('File counts');
  env.enableCheckpointing(200, { retained: 3 });
  env.setRestartStrategy(RestartStrategies.fixedDelay({ attempts: 20, delayMs: 500 }));
  env
    .fromSource(new FileSource({ path: input }), { name: 'Source: Lines', uid: 'lines' })
    .map((line): Count => {
      const n = Number(line);
      return { key: n % 13, n, count: 1 };
    })
    .uid('to-counts')
    .keyBy((c) => c.key)
    .reduce((a, b): Count => ({ key: a.key, n: b.n, count: a.count + b.count }))
    .uid('counts')
    .sink(new ThrottledSink(new FileSink<Count>({ path: output }), Number(rate)))
    .uid('files');
});
