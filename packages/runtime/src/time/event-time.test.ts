import { describe, expect, it } from 'vitest';
import {
  KeyedProcessFunction,
  StreamExecutionEnvironment,
  ValueStateDescriptor,
  WatermarkStrategy,
  type Collector,
  type KeyedProcessContext,
  type OnTimerContext,
  type RuntimeContext,
  type ValueState,
} from '@sage/core';
import { CollectSink } from '../testing/collect-sink.js';
import { LocalCluster } from '../cluster/local-cluster.js';
import { StatusWatermarkValve } from './status-watermark-valve.js';

interface Click {
  readonly user: string;
  readonly ts: number;
}

/** Seeded clicks, out of order by up to `disorder` ms. */
function clicks(count: number, users: number, disorder: number): Click[] {
  let state = 7;
  const next = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32;
  return Array.from({ length: count }, (_, i) => ({ user: `u${Math.floor(next() * users)}`, ts: Math.max(0, i * 10 - Math.floor(next() * disorder)) }));
}

/** Counts clicks per user and minute with an event-time timer at the end of each minute. */
class MinuteCounts extends KeyedProcessFunction<string, Click, string> {
  private counts!: ValueState<Record<string, number>>;

  override open(ctx: RuntimeContext): void {
    this.counts = ctx.getState(new ValueStateDescriptor<Record<string, number>>('counts'));
  }

  processElement(click: Click, ctx: KeyedProcessContext<string>, _out: Collector<string>): void {
    const end = Math.floor(click.ts / 60_000) * 60_000 + 60_000 - 1;
    if (end <= ctx.timerService().currentWatermark()) return; // late: the minute has fired
    const counts = this.counts.value() ?? {};
    counts[end] = (counts[end] ?? 0) + 1;
    this.counts.update(counts);
    ctx.timerService().registerEventTimeTimer(end);
  }

  override onTimer(timestamp: number, ctx: OnTimerContext<string>, out: Collector<string>): void {
    const counts = this.counts.value()!;
    out.collect(`${ctx.getCurrentKey()}@${timestamp}:${counts[timestamp]}:${ctx.timeDomain()}:${ctx.timestamp()}`);
    delete counts[timestamp];
    this.counts.update(counts);
  }
}

describe('event time', () => {
  it.each([1, 3])('fires each key and minute once with its exact count, at parallelism %i', async (parallelism) => {
    const input = clicks(20_000, 13, 5_000);
    const expected = new Map<string, number>();
    for (const c of input) {
      const key = `${c.user}@${Math.floor(c.ts / 60_000) * 60_000 + 59_999}`;
      expected.set(key, (expected.get(key) ?? 0) + 1);
    }
    const env = new StreamExecutionEnvironment({ parallelism });
    const sink = new CollectSink<string>();
    env
      .fromCollection(input)
      // Disorder of 5 s is within the bound: no record is late.
      .assignTimestampsAndWatermarks(WatermarkStrategy.forBoundedOutOfOrderness<Click>(5_000).withTimestampAssigner((c) => c.ts))
      .rebalance()
      .keyBy((c) => c.user)
      .process(new MinuteCounts())
      .sink(sink);
    const result = await new LocalCluster({ batchSize: 64 }).execute(env.compile()).result;
    expect(result.failure).toBeUndefined();
    const fired = new Map<string, number>();
    for (const line of sink.values) {
      const [id, count, domain, ts] = line.split(':');
      expect(fired.has(id!)).toBe(false);
      fired.set(id!, Number(count));
      expect(domain).toBe('EVENT_TIME');
      expect(ts).toBe(id!.split('@')[1]);
    }
    expect(fired).toEqual(expected);
  });

  it('fires processing-time timers through the mailbox', async () => {
    const env = new StreamExecutionEnvironment({ parallelism: 1 });
    const sink = new CollectSink<string>();
    class Delay extends KeyedProcessFunction<string, string, string> {
      processElement(value: string, ctx: KeyedProcessContext<string>): void {
        ctx.timerService().registerProcessingTimeTimer(ctx.timerService().currentProcessingTime() + 20);
      }
      override onTimer(_t: number, ctx: OnTimerContext<string>, out: Collector<string>): void {
        out.collect(`${ctx.getCurrentKey()}:${ctx.timeDomain()}`);
      }
    }
    // A source that ends only after the timers had time to fire.
    const gate = { open: false };
    env
      .fromSource({
        name: 'Words',
        boundedness: 'bounded',
        createReader: () => {
          let sent = false;
          const started = Date.now();
          return {
            async start() {},
            pollNext(out) {
              if (!sent) {
                sent = true;
                for (const w of ['a', 'b', 'a']) out.collect(w);
                return 'more';
              }
              return gate.open || Date.now() - started > 10_000 ? 'end' : 'nothing';
            },
            isAvailable: () => new Promise<void>((resolve) => setTimeout(resolve, 5)),
            snapshotState: () => [],
            async close() {},
          };
        },
      })
      .keyBy((w) => w)
      .process(new Delay())
      .map((line: string) => {
        gate.open = true;
        return line;
      })
      .sink(sink);
    const result = await new LocalCluster().execute(env.compile()).result;
    expect(result.failure).toBeUndefined();
    expect(sink.values.sort()).toContain('a:PROCESSING_TIME');
  });
});

describe('StatusWatermarkValve', () => {
  function valve(channels: number) {
    const out: (number | string)[] = [];
    const v = new StatusWatermarkValve(channels, {
      processWatermark: (w) => out.push(w),
      processWatermarkStatus: (idle) => out.push(idle ? 'idle' : 'active'),
    });
    return { v, out };
  }

  it('emits the minimum over channels, ignores regressions, and lets the end through', () => {
    const { v, out } = valve(2);
    v.inputWatermark(10, 0);
    v.inputWatermark(5, 1);
    v.inputWatermark(3, 1); // lower than before on channel 1: ignored
    v.inputWatermark(20, 1);
    v.channelEnded(0);
    v.channelEnded(1);
    expect(out).toEqual([5, 10, 20, Infinity]);
  });

  it('leaves idle channels out and takes them back once they catch up', () => {
    const { v, out } = valve(2);
    v.inputWatermark(10, 0);
    v.inputStatus(true, 1); // channel 1 never had data: event time follows channel 0
    v.inputWatermark(30, 0);
    v.inputWatermark(5, 1); // active again but behind: not counted until it catches up
    v.inputWatermark(40, 0);
    v.inputWatermark(45, 1); // caught up: counted again
    v.inputWatermark(50, 0);
    expect(out).toEqual([10, 30, 40, 45]);
    v.inputStatus(true, 1);
    expect(out).toEqual([10, 30, 40, 45, 50]);
    v.inputStatus(true, 0);
    expect(out).toEqual([10, 30, 40, 45, 50, 'idle']);
  });
});
