import { describe, expect, it } from 'vitest';
import {
  StreamExecutionEnvironment,
  WatermarkStrategy,
  type InputStatus,
  type ProcessContext,
  type Collector,
  type ReaderOutput,
  type Source,
  type SourceReader,
} from '@sage/core';
import { CollectSink } from '../testing/collect-sink.js';
import { LocalCluster } from '../cluster/local-cluster.js';

interface Reading {
  readonly split: string;
  readonly ts: number;
}

/**
 * A bounded source of two splits, one record a poll in a fixed order. With `perSplit`, the reader
 * emits each split's records through the split's own output and releases split 'b' after its last.
 */
function twoSplitSource(perSplit: boolean): Source<Reading> {
  const steps: Reading[] = [
    { split: 'a', ts: 1_000 },
    { split: 'b', ts: 10 },
    { split: 'b', ts: 20 },
    { split: 'a', ts: 2_000 },
    { split: 'b', ts: 1_500 },
    { split: 'a', ts: 3_000 },
  ];
  return {
    name: 'TwoSplits',
    boundedness: 'bounded',
    nonParallel: true,
    createReader(): SourceReader<Reading> {
      let next = 0;
      return {
        start: async () => {},
        pollNext(output: ReaderOutput<Reading>): InputStatus {
          if (perSplit && next === 0) {
            // Both splits are taken on before the first record: 'b' holds event time back from the start.
            output.createOutputForSplit!('a');
            output.createOutputForSplit!('b');
          }
          const step = steps[next++];
          if (step === undefined) return 'end';
          const target = perSplit ? output.createOutputForSplit!(step.split) : output;
          target.collect(step, step.ts);
          if (perSplit && step.split === 'b' && !steps.slice(next).some((s) => s.split === 'b')) output.releaseOutputForSplit!('b');
          return 'more';
        },
        isAvailable: () => Promise.resolve(),
        snapshotState: () => [next],
        close: async () => {},
      };
    },
  };
}

/** Each record's watermark is its own timestamp: a punctuated generator, so the outcome depends on no clock. */
const punctuated = WatermarkStrategy.forGenerator<Reading>(() => ({
  onEvent: (_event, timestamp, output) => output.emitWatermark(timestamp),
  onPeriodicEmit: () => {},
}));

/** What each record saw: its split, its timestamp and the event time when it arrived behind the source. */
function seenBy(value: Reading, ctx: ProcessContext, out: Collector<string>): void {
  out.collect(`${value.split}:${ctx.timestamp()}:${ctx.timerService().currentWatermark()}`);
}

async function run(perSplit: boolean): Promise<string[]> {
  const env = new StreamExecutionEnvironment({ parallelism: 1 });
  const sink = new CollectSink<string>();
  env.fromSource(twoSplitSource(perSplit), punctuated).process(seenBy).sink(sink);
  const result = await new LocalCluster().execute(env.compile()).result;
  expect(result.failure).toBeUndefined();
  return sink.values;
}

describe('SourceOperator event time', () => {
  it('emits the minimum over the splits, so a split behind holds the watermark back until it is released', async () => {
    expect(await run(true)).toEqual([
      'a:1000:-Infinity', // 'b' has emitted nothing yet
      'b:10:-Infinity',
      'b:20:10',
      'a:2000:20',
      'b:1500:20',
      'a:3000:1500', // 'b' was released: only 'a' counts from here
    ]);
  });

  it('runs one generator for the subtask when the reader opens no split', async () => {
    expect(await run(false)).toEqual(['a:1000:-Infinity', 'b:10:1000', 'b:20:1000', 'a:2000:1000', 'b:1500:2000', 'a:3000:2000']);
  });
});
