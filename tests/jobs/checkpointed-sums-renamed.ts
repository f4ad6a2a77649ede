// tests/jobs/checkpointed-sums.ts with its keyed operator under a new uid: its savepoint state has no home here.
import { defineJob } from '@sage/core';
import { FileSink } from '@sage/connector-files';
import { GatedSequence } from './gated-sequence.js';

export default defineJob((env, args) => {
  const [records = '20000', rate = '4000', out = 'out/checkpointed-sums', gate] = args;
  env.setJobName('Checkpointed sums, renamed');
  env.enableCheckpointing(200);
  env
    .fromSource(new GatedSequence(Number(records), Number(rate), Math.floor(Number(records) / 2), gate))
    .setParallelism(1)
    .uid('numbers')
    .map((n) => ({ key: n % 13, count: 1, sum: n }))
    .uid('to-totals')
    .setParallelism(1)
    .keyBy((t) => t.key)
    .reduce((a, b) => ({ key: a.key, count: a.count + b.count, sum: a.sum + b.sum }))
    .uid('totals-v2')
    .sink(new FileSink<{ key: number; count: number; sum: number }>({ path: out }))
    .uid('files');
});
