// The cluster benchmark job: `-- <records>`; keyBy over 1000 keys, reduce, discard.
import { defineJob, DiscardingSink } from '@sage/core';

export default defineJob((env, args) => {
  env
    .fromSequence(1, Number(args[0]))
    .keyBy((n: number) => n % 1000)
    .reduce((a, b) => a + b)
    .sink(new DiscardingSink());
});
