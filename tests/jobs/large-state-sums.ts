// Large keyed state under checkpoints, for the test that heartbeats survive its snapshots.
// `sage run large-state-sums.ts -p N -- <keys> <rounds> <records per second> <output dir>`: the
// numbers 0..keys*rounds-1 from one source subtask, keyed by n % keys; each key keeps its count, sum
// and a 100-byte payload (about 130 bytes of state a key). When a key has seen all its rounds, keys that are multiples of
// 1000 write their totals, so the output is small and exact whatever the state's size.
import { defineJob, RestartStrategies } from '@sage/core';
import { FileSink } from '@sage/connector-files';

interface Totals {
  readonly key: number;
  readonly count: number;
  readonly sum: number;
  readonly payload: string;
}

const payloads = Array.from({ length: 64 }, (_, i) => String(i).padStart(4, '-').repeat(25));

export default defineJob((env, args) => {
  const [keys = '100000', rounds = '2', rate = '200000', out = 'out/large-state-sums'] = args;
  const keyCount = Number(keys);
  const roundCount = Number(rounds);
  env.setJobName('Large state sums');
  env.enableCheckpointing(1000, { timeoutMs: 120_000 });
  env.setRestartStrategy(RestartStrategies.fixedDelay({ attempts: 5, delayMs: 500 }));
  env
    .fromSequence(0, keyCount * roundCount - 1, { recordsPerSecond: Number(rate) })
    .setParallelism(1)
    .uid('numbers')
    .map((n): Totals => ({ key: n % keyCount, count: 1, sum: n, payload: payloads[n & 63]! }))
    .uid('to-totals')
    .setParallelism(1)
    .keyBy((t) => t.key)
    .reduce((a, b): Totals => ({ key: a.key, count: a.count + b.count, sum: a.sum + b.sum, payload: b.payload }))
    .uid('totals')
    .filter((t) => t.count === roundCount && t.key % 1000 === 0)
    .map((t) => ({ key: t.key, count: t.count, sum: t.sum }))
    .sink(new FileSink<{ key: number; count: number; sum: number }>({ path: out }))
    .uid('files');
});
