// A job whose user code throws on one record.
import { defineJob, DiscardingSink } from '@sage/core';

function validate(n: number): number {
  if (n === 5000) throw new TypeError(`record ${n} failed validation`);
  return n;
}

export default defineJob((env) => {
  env.fromSequence(1, 10_000).map(validate).keyBy((n) => n % 7).reduce((a, b) => a + b).sink(new DiscardingSink());
});
