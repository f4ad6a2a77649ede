import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  KeyedProcessFunction,
  RestartStrategies,
  StreamExecutionEnvironment,
  ValueStateDescriptor,
  WatermarkStrategy,
  type Collector,
  type KeyedProcessContext,
  type OnTimerContext,
  type RuntimeContext,
  type ValueState,
} from '@sage/core';
import { LocalCluster } from '../cluster/local-cluster.js';
import { SlowSequence } from '../testing/slow-sequence.js';
import { CollectSink } from '../testing/collect-sink.js';
import { FileCheckpointStorage } from '../checkpoint/file-checkpoint-storage.js';

/** Per key, counts numbers in buckets of 100 of event time, emitted by an event-time timer at each bucket's end. */
class BucketCounts extends KeyedProcessFunction<number, number, string> {
  private counts!: ValueState<Record<string, number>>;
  constructor(
    private readonly failAt = -1,
    private attempt = 0,
  ) {
    super();
  }

  override open(ctx: RuntimeContext): void {
    this.attempt = ctx.attemptNumber;
    this.counts = ctx.getState(new ValueStateDescriptor<Record<string, number>>('counts'));
  }

  processElement(n: number, ctx: KeyedProcessContext<number>): void {
    if (n === this.failAt && this.attempt === 0) throw new Error(`crash at ${n}`);
    const end = Math.floor(n / 100) * 100 + 99;
    const counts = this.counts.value() ?? {};
    counts[end] = (counts[end] ?? 0) + 1;
    this.counts.update(counts);
    ctx.timerService().registerEventTimeTimer(end);
  }

  override onTimer(timestamp: number, ctx: OnTimerContext<number>, out: Collector<string>): void {
    const counts = this.counts.value()!;
    out.collect(`${ctx.getCurrentKey()}@${timestamp}=${counts[timestamp]}`);
    delete counts[timestamp];
    this.counts.update(counts);
  }
}

function job(sink: CollectSink<string>, parallelism: number, failAt = -1) {
  const env = new StreamExecutionEnvironment({ jobName: 'buckets', parallelism });
  env.enableCheckpointing(20, { retained: 3 });
  env.setRestartStrategy(RestartStrategies.fixedDelay({ attempts: 2, delayMs: 10 }));
  env.getConfig().setAutoWatermarkInterval(5);
  env
    .fromSource(new SlowSequence(6000), WatermarkStrategy.forBoundedOutOfOrderness<number>(0).withTimestampAssigner((n) => n), { uid: 'numbers' })
    .keyBy((n) => n % 7)
    .process(new BucketCounts(failAt))
    .uid('buckets')
    .sink(sink)
    .uid('out');
  return env.compile();
}

function expected(): string[] {
  const counts = new Map<string, number>();
  for (let n = 0; n < 6000; n++) {
    const id = `${n % 7}@${Math.floor(n / 100) * 100 + 99}`;
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  return [...counts].map(([id, c]) => `${id}=${c}`).sort();
}

let storage: FileCheckpointStorage;
beforeEach(async () => {
  storage = new FileCheckpointStorage(await mkdtemp(join(tmpdir(), 'sage-timers-')));
});
afterEach(async () => storage.close());

describe('timers across checkpoints', () => {
  it('fires every timer exactly once after a crash and a restart from the latest checkpoint', async () => {
    const sink = new CollectSink<string>();
    const result = await new LocalCluster({ batchSize: 16 }).execute(job(sink, 2, 4100), { checkpointStorage: storage }).result;
    expect(result.state).toBe('FINISHED');
    expect(result.restarts).toBe(1);
    expect([...sink.values].sort()).toEqual(expected());
  });

  it('restores pending timers from a savepoint at parallelism 2 into parallelism 3', async () => {
    const sink = new CollectSink<string>();
    const execution = new LocalCluster({ batchSize: 16 }).execute(job(sink, 2), { checkpointStorage: storage, jobId: 'rescale-timers' });
    // Stop once some buckets have fired, so the savepoint holds fired and pending timers alike.
    while (sink.values.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    const savepoint = await execution.stopWithSavepoint();
    expect((await execution.result).state).toBe('FINISHED');
    expect(sink.values.length).toBeLessThan(expected().length);
    const resumed = await new LocalCluster({ batchSize: 16 }).execute(job(sink, 3), { checkpointStorage: storage, restoreFrom: savepoint }).result;
    expect(resumed.state).toBe('FINISHED');
    expect([...sink.values].sort()).toEqual(expected());
  });
});
