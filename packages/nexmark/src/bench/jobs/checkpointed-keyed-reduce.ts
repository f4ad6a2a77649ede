// The recovery benchmark job: `-- <records> <records per second> <keys>`; keyBy, reduce, discard, with a
// checkpoint every second and the default restart strategy of a checkpointed job (fixed delay, 1 s).
import { defineJob, DiscardingSink } from '@sage/core';

export default defineJob((env, args) => {
  const [records = 1e12, rate = 1e6, keys = 1e5] = args.map(Number);
  env.setJobName('Checkpointed keyed reduce');
  env.enableCheckpointing(1000);
  env
    .fromSequence(1, records, { recordsPerSecond: rate })
    .uid('numbers')
    .keyBy((n: number) => n % keys)
    .reduce((a, b) => a + b)
    .uid('sums')
    .sink(new DiscardingSink())
    .uid('discard');
});
