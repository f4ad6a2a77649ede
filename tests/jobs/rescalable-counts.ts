// A keyed job whose source runs at the job's parallelism, for rescaling tests where a source subtask
// may have nothing to read. `sage run rescalable-counts.ts -p N -- <records> <records per second> <output dir>`:
// the numbers 0..records-1 split among the source subtasks, keyed by n % 13, with a running count per
// key (keyed state), written as JSON lines with the exactly-once FileSink. The interleaving of the
// source subtasks varies, so the lines do too, but not what an exact run commits: every number once,
// and per key the counts 1..(numbers of that key).
import { defineJob, RestartStrategies } from '@sage/core';
import { FileSink } from '@sage/connector-files';

interface Count {
  readonly key: number;
  readonly n: number;
  readonly count: number;
}

export default defineJob((env, args) => {
  const [records = '20000', rate = '4000', out = 'out/rescalable-counts'] = args;
  env.setJobName('Rescalable counts');
  env.enableCheckpointing(200, { retained: 3 });
  env.setRestartStrategy(RestartStrategies.fixedDelay({ attempts: 20, delayMs: 500 }));
  env
    .fromSequence(0, Number(records) - 1, { recordsPerSecond: Number(rate) })
    .uid('numbers')
    .map((n): Count => ({ key: n % 13, n, count: 1 }))
    .uid('to-counts')
    .keyBy((c) => c.key)
    .reduce((a, b): Count => ({ key: a.key, n: b.n, count: a.count + b.count }))
    .uid('counts')
    .sink(new FileSink<Count>({ path: out }))
    .uid('files');
});
