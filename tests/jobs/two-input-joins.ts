// Two-input operators across TaskManagers: `sage run two-input-joins.ts -p N -- <output dir>`. Writes
// JSON lines: {"join":"l-r@ts"} for each pair of an interval join of two out-of-order keyed streams,
// and {"totals":"key:left:right"} per key from a KeyedCoProcessFunction whose state both inputs share,
// reported by an event-time timer at the end of input.
import { defineJob, KeyedCoProcessFunction, ValueStateDescriptor, WatermarkStrategy, type Collector, type KeyedProcessContext, type OnTimerContext, type RuntimeContext, type ValueState } from '@sage/core';
import { FileSink } from '@sage/connector-files';
import { BOUNDS, LEFT, RIGHT, seededEvents, type Event } from './two-input-data.js';

type Line = { readonly join: string } | { readonly totals: string };

class Totals extends KeyedCoProcessFunction<number, Event, Event, Line> {
  private counts!: ValueState<[number, number]>;

  override open(ctx: RuntimeContext): void {
    this.counts = ctx.getState(new ValueStateDescriptor<[number, number]>('counts'));
  }

  processElement1(_e: Event, ctx: KeyedProcessContext<number>): void {
    const [l, r] = this.counts.value() ?? [0, 0];
    this.counts.update([l + 1, r]);
    ctx.timerService().registerEventTimeTimer(1e12);
  }

  processElement2(_e: Event, ctx: KeyedProcessContext<number>): void {
    const [l, r] = this.counts.value() ?? [0, 0];
    this.counts.update([l, r + 1]);
    ctx.timerService().registerEventTimeTimer(1e12);
  }

  override onTimer(_t: number, ctx: OnTimerContext<number>, out: Collector<Line>): void {
    out.collect({ totals: `${ctx.getCurrentKey()}:${this.counts.value()!.join(':')}` });
  }
}

export default defineJob((env, args) => {
  const [output] = args;
  if (!output) throw new Error('usage: -- <output dir>');
  env.setJobName('Two-input joins');
  const strategy = WatermarkStrategy.forBoundedOutOfOrderness<Event>(2_000).withTimestampAssigner((e) => e.ts);
  const left = env.fromCollection(seededEvents(LEFT.count, LEFT.keys, LEFT.span, LEFT.disorder, LEFT.seed)).assignTimestampsAndWatermarks(strategy).keyBy((e) => e.key);
  const right = env.fromCollection(seededEvents(RIGHT.count, RIGHT.keys, RIGHT.span, RIGHT.disorder, RIGHT.seed)).assignTimestampsAndWatermarks(strategy).keyBy((e) => e.key);
  const joins = left
    .intervalJoin(right)
    .between(BOUNDS.lower, BOUNDS.upper)
    .process((l, r, ctx, out: Collector<Line>) => out.collect({ join: `${l.id}-${r.id}@${ctx.timestamp()}` }))
    .uid('join');
  const totals = left.connect(right).process(new Totals()).uid('totals');
  joins.union(totals).sink(new FileSink<Line>({ path: output })).uid('files');
});
