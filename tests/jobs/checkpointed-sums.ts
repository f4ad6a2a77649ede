// A long keyed job with checkpoints and the exactly-once FileSink, for crash and savepoint tests.
// `sage run checkpointed-sums.ts -p N -- <records> <records per second> <output dir> [onCorruptCheckpoint]`:
// the numbers 0..records-1 from one source subtask, keyed by n % 13, a running count and sum per key
// (keyed state), written as JSON lines. One source subtask keeps each key's input order fixed, so two
// runs commit exactly the same lines.
import { defineJob, RestartStrategies, type CorruptCheckpointPolicy } from '@sage/core';
import { FileSink } from '@sage/connector-files';

interface Totals {
  readonly key: number;
  readonly count: number;
  readonly sum: number;
}

export default defineJob((env, args) => {
  const [records = '20000', rate = '4000', out = 'out/checkpointed-sums', onCorruptCheckpoint = 'fall-back'] = args;
  env.setJobName('Checkpointed sums');
  env.enableCheckpointing(200, { retained: 3, onCorruptCheckpoint: onCorruptCheckpoint as CorruptCheckpointPolicy });
  env.setRestartStrategy(RestartStrategies.fixedDelay({ attempts: 20, delayMs: 500 }));
  env
    .fromSequence(0, Number(records) - 1, { recordsPerSecond: Number(rate) })
    .setParallelism(1)
    .uid('numbers')
    .map((n): Totals => ({ key: n % 13, count: 1, sum: n }))
    .uid('to-totals')
    .setParallelism(1)
    .keyBy((t) => t.key)
    .reduce((a, b): Totals => ({ key: a.key, count: a.count + b.count, sum: a.sum + b.sum }))
    .uid('totals')
    .sink(new FileSink<Totals>({ path: out }))
    .uid('files');
});
