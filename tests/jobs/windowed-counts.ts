// A keyed event-time window job with checkpoints and the exactly-once FileSink, for crash and savepoint tests.
// `sage run windowed-counts.ts -p N -- <records> <records per second> <output dir> [gate file]`: the numbers
// 0..records-1 from one source subtask (see gated-sequence.ts), each with an event time up to 2 s out of
// order (tests/support/windowed-counts.ts), keyed by n % 13, counted and summed per key in tumbling 1 s
// event-time windows, written as JSON lines `{"key", "start", "count", "sum"}`. The watermark trails by 2 s,
// so nothing is late and every run commits exactly the lines expectedWindows() computes.
import {
  defineJob,
  ProcessWindowFunction,
  RestartStrategies,
  TumblingEventTimeWindows,
  WatermarkStrategy,
  type Collector,
  type ProcessWindowContext,
  type TimeWindow,
} from '@sage/core';
import { FileSink } from '@sage/connector-files';
import { GatedSequence } from './gated-sequence.js';
import { eventTime } from '../support/windowed-counts.js';

interface Reading {
  readonly key: number;
  readonly n: number;
  readonly ts: number;
}

interface Sums {
  readonly count: number;
  readonly sum: number;
}

interface WindowLine extends Sums {
  readonly key: number;
  readonly start: number;
}

class WithWindowStart extends ProcessWindowFunction<Sums, WindowLine, number, TimeWindow> {
  process(key: number, ctx: ProcessWindowContext<TimeWindow>, sums: readonly Sums[], out: Collector<WindowLine>): void {
    for (const s of sums) out.collect({ key, start: ctx.window.start, count: s.count, sum: s.sum });
  }
}

export default defineJob((env, args) => {
  const [records = '20000', rate = '4000', out = 'out/windowed-counts', gateArg = '-'] = args;
  const gate = gateArg === '-' ? undefined : gateArg;
  env.setJobName('Windowed counts');
  env.enableCheckpointing(200, { retained: 3 });
  env.setRestartStrategy(RestartStrategies.fixedDelay({ attempts: 20, delayMs: 500 }));
  env.getConfig().setAutoWatermarkInterval(50);
  env
    .fromSource(
      new GatedSequence(Number(records), Number(rate), Math.floor(Number(records) / 2), gate),
      WatermarkStrategy.forBoundedOutOfOrderness<number>(2000).withTimestampAssigner((n) => eventTime(n)),
      { uid: 'numbers' },
    )
    .setParallelism(1)
    .map((n): Reading => ({ key: n % 13, n, ts: eventTime(n) }))
    .uid('readings')
    .setParallelism(1)
    .keyBy((r) => r.key)
    .window(TumblingEventTimeWindows.of(1000))
    .aggregate(
      {
        createAccumulator: (): Sums => ({ count: 0, sum: 0 }),
        add: (r: Reading, acc: Sums): Sums => ({ count: acc.count + 1, sum: acc.sum + r.n }),
        getResult: (acc: Sums) => acc,
        merge: (a: Sums, b: Sums): Sums => ({ count: a.count + b.count, sum: a.sum + b.sum }),
      },
      new WithWindowStart(),
    )
    .uid('windows')
    .sink(new FileSink<WindowLine>({ path: out }))
    .uid('files');
});
