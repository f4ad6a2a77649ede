// A key selector that reads a field some records lack: `sage run missing-key.ts -p 2`. Record 500
// has no `user`, so its key is undefined.
import { defineJob, DiscardingSink } from '@sage/core';

interface Visit {
  readonly user?: string;
  readonly n: number;
}

export default defineJob((env) => {
  env
    .fromSequence(1, 1000)
    .map((n: number): Visit => (n === 500 ? { n } : { user: `user-${n % 7}`, n }))
    .keyBy((visit) => visit.user)
    .reduce((a, b) => ({ user: a.user, n: a.n + b.n }))
    .name('Visits per user')
    .sink(new DiscardingSink());
});
