// A checkpointed job whose user code throws in every attempt, with no restart strategy of its own:
// it restarts by the default strategy until cancelled.
import { defineJob, DiscardingSink } from '@sage/core';

function validate(n: number): number {
  if (n === 100) throw new TypeError(`record ${n} failed validation`);
  return n;
}

export default defineJob((env) => {
  env.setJobName('Always failing');
  env.enableCheckpointing(100);
  env.fromSequence(0, 1_000_000, { recordsPerSecond: 1000 }).map(validate).sink(new DiscardingSink());
});
