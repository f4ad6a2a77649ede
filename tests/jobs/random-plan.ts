// A job whose plan differs on every import: TaskManagers must refuse it (fingerprint mismatch).
import { defineJob, DiscardingSink } from '@sage/core';

export default defineJob((env) => {
  env.fromSequence(1, 10).map((n: number) => n).name(`Map ${Math.random()}`).sink(new DiscardingSink());
});
