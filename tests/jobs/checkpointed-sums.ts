// A long keyed job with checkpoints and the exactly-once FileSink, for crash and savepoint tests.
// `sage run checkpointed-sums.ts -p N -- <records> <records per second> <output dir> [gate file] [onCorruptCheckpoint]`:
// the numbers 0..records-1 from one source subtask, keyed by n % 13, a running count and sum per key
// (keyed state), written as JSON lines. One source subtask keeps each key's input order fixed, so two
// runs commit exactly the same lines. With a gate file ('-' for none), the source holds halfway until
// that file exists (see gated-sequence.ts), so a test can act while the job certainly still runs.
import { defineJob, RestartStrategies, type CorruptCheckpointPolicy } from '@sage/core';
import { FileSink } from '@sage/connector-files';
import { GatedSequence } from './gated-sequence.js';

interface Totals {
  readonly key: number;
  readonly count: number;
  readonly sum: number;
}

export default defineJob((env, args) => {
  const [records = '20000', rate = '4000', out = 'out/checkpointed-sums', gateArg, onCorruptCheckpoint = 'fall-back'] = args;
  const gate = gateArg === '-' ? undefined : gateArg;
  env.setJobName('Checkpointed sums');
  env.enableCheckpointing(200, { retained: 3, onCorruptCheckpoint: onCorruptCheckpoint as CorruptCheckpointPolicy });
  env.setRestartStrategy(RestartStrategies.fixedDelay({ attempts: 20, delayMs: 500 }));
  env
    .fromSource(new GatedSequence(Number(records), Number(rate), Math.floor(Number(records) / 2), gate))
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
