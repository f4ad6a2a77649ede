import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  EventTimeSessionWindows,
  RestartStrategies,
  SlidingEventTimeWindows,
  StreamExecutionEnvironment,
  TumblingEventTimeWindows,
  WatermarkStrategy,
  type AggregateFunction,
  type Collector,
  type MapFunction,
  type ProcessWindowContext,
  type RuntimeContext,
  type TimeWindow,
} from '@sage/core';
import { LocalCluster } from '../../cluster/local-cluster.js';
import { SlowSequence } from '../../testing/slow-sequence.js';
import { CollectSink } from '../../testing/collect-sink.js';
import { FileCheckpointStorage } from '../../checkpoint/file-checkpoint-storage.js';

const COUNT = 6_000;

/** Fails the first attempt once it sees `failAt`. */
class CrashOnce implements MapFunction<number, number> {
  private attempt = 0;
  constructor(private readonly failAt: number) {}
  open(ctx: RuntimeContext): void {
    this.attempt = ctx.attemptNumber;
  }
  map(n: number): number {
    if (n === this.failAt && this.attempt === 0) throw new Error(`crash at ${n}`);
    return n;
  }
}

/** Bursts of 500 numbers, 100 ms of event time apart: sessions (gap 50) of each key close between bursts. */
const eventTime = (n: number) => n + Math.floor(n / 500) * 100;

const countAndSum: AggregateFunction<number, [number, number], string> = {
  createAccumulator: () => [0, 0],
  add: (n, acc) => [acc[0] + 1, acc[1] + n],
  getResult: (acc) => `${acc[0]}/${acc[1]}`,
  merge: (a, b) => [a[0] + b[0], a[1] + b[1]],
};

const describeWindow = (kind: string) => (key: number, ctx: ProcessWindowContext<TimeWindow>, results: readonly string[], out: Collector<string>) =>
  out.collect(`${kind}|${key}|${ctx.window.start}|${ctx.window.end}|${results[0]}`);

function job(sink: CollectSink<string>, parallelism: number, failAt = -1) {
  const env = new StreamExecutionEnvironment({ jobName: 'windows', parallelism });
  env.enableCheckpointing(20, { retained: 3 });
  env.setRestartStrategy(RestartStrategies.fixedDelay({ attempts: 2, delayMs: 10 }));
  env.getConfig().setAutoWatermarkInterval(5);
  const keyed = env
    .fromSource(new SlowSequence(COUNT), WatermarkStrategy.forBoundedOutOfOrderness<number>(0).withTimestampAssigner(eventTime), { uid: 'numbers' })
    .map(new CrashOnce(failAt))
    .uid('crash')
    .keyBy((n) => n % 7);
  const tumbling = keyed.window(TumblingEventTimeWindows.of(200)).aggregate(countAndSum, describeWindow('t')).uid('tumbling');
  const sliding = keyed.window(SlidingEventTimeWindows.of(300, 100)).aggregate(countAndSum, describeWindow('s')).uid('sliding');
  const sessions = keyed.window(EventTimeSessionWindows.withGap(50)).aggregate(countAndSum, describeWindow('g')).uid('sessions');
  const counts = keyed
    .countWindow(5)
    .process((key: number, _ctx, ns: readonly number[], out: Collector<string>) => out.collect(`c|${key}|${ns.join(',')}`))
    .uid('counts');
  tumbling.union(sliding, sessions, counts).sink(sink).uid('out');
  return env.compile();
}

function expected(): string[] {
  const groups = new Map<string, [number, number]>();
  const add = (id: string, n: number) => {
    const acc = groups.get(id) ?? [0, 0];
    groups.set(id, [acc[0] + 1, acc[1] + n]);
  };
  const sessions = new Map<number, [number, number]>();
  for (let n = 0; n < COUNT; n++) {
    const ts = eventTime(n);
    const key = n % 7;
    const t = Math.floor(ts / 200) * 200;
    add(`t|${key}|${t}|${t + 200}`, n);
    for (let s = Math.floor(ts / 100) * 100; s > ts - 300; s -= 100) add(`s|${key}|${s}|${s + 300}`, n);
    // Numbers of a key arrive in time order (7 ms apart within a burst): a session continues or starts anew.
    const open = sessions.get(key);
    if (open !== undefined && ts <= open[1]) sessions.set(key, [open[0], ts + 50]);
    else sessions.set(key, [ts, ts + 50]);
    const [start] = sessions.get(key)!;
    groups.set(`g|${key}|${start}|?`, [(groups.get(`g|${key}|${start}|?`)?.[0] ?? 0) + 1, (groups.get(`g|${key}|${start}|?`)?.[1] ?? 0) + n]);
  }
  const lines: string[] = [];
  for (const [id, [c, sum]] of groups) {
    if (!id.startsWith('g|')) {
      lines.push(`${id}|${c}/${sum}`);
      continue;
    }
    // A session ends `gap` after its last number: recover that from the numbers of the key.
    const [, key, start] = id.split('|');
    let last = Number(start);
    for (let n = 0; n < COUNT; n++) if (n % 7 === Number(key) && eventTime(n) >= Number(start) && eventTime(n) <= last + 50) last = eventTime(n);
    lines.push(`g|${key}|${start}|${last + 50}|${c}/${sum}`);
  }
  return lines.sort();
}

/**
 * Count windows depend on the order in which a key's numbers arrive from the two source subtasks:
 * check that each holds 5 numbers of its key and that no number is counted twice or lost (beyond
 * each key's last incomplete window).
 */
function checkCountWindows(lines: readonly string[]): string[] {
  const seen = new Set<number>();
  const windows = new Map<number, number>();
  for (const line of lines.filter((l) => l.startsWith('c|'))) {
    const [, key, list] = line.split('|');
    const numbers = list!.split(',').map(Number);
    expect(numbers.length).toBe(5);
    for (const n of numbers) {
      expect(n % 7).toBe(Number(key));
      expect(seen.has(n)).toBe(false);
      seen.add(n);
    }
    windows.set(Number(key), (windows.get(Number(key)) ?? 0) + 1);
  }
  for (let key = 0; key < 7; key++) expect(windows.get(key)).toBe(Math.floor(Math.ceil((COUNT - key) / 7) / 5));
  return lines.filter((l) => !l.startsWith('c|'));
}

let storage: FileCheckpointStorage;
beforeEach(async () => {
  storage = new FileCheckpointStorage(await mkdtemp(join(tmpdir(), 'sage-windows-')));
});
afterEach(async () => storage.close());

describe('windows across checkpoints', () => {
  it('fire every window exactly once after a crash and a restart from the latest checkpoint', async () => {
    const sink = new CollectSink<string>();
    const result = await new LocalCluster({ batchSize: 16 }).execute(job(sink, 2, 4_100), { checkpointStorage: storage }).result;
    expect(result.state).toBe('FINISHED');
    expect(result.restarts).toBe(1);
    expect(checkCountWindows(sink.values).sort()).toEqual(expected());
  });

  it('restore pending windows from a savepoint at parallelism 2 into parallelism 3', async () => {
    const sink = new CollectSink<string>();
    const execution = new LocalCluster({ batchSize: 16 }).execute(job(sink, 2), { checkpointStorage: storage, jobId: 'rescale-windows' });
    // Stop once some windows have fired, so the savepoint holds fired and pending windows alike.
    while (sink.values.length < 50) await new Promise((resolve) => setTimeout(resolve, 10));
    const savepoint = await execution.stopWithSavepoint();
    expect((await execution.result).state).toBe('FINISHED');
    expect(sink.values.length).toBeLessThan(expected().length);
    const resumed = await new LocalCluster({ batchSize: 16 }).execute(job(sink, 3), { checkpointStorage: storage, restoreFrom: savepoint }).result;
    expect(resumed.state).toBe('FINISHED');
    expect(checkCountWindows(sink.values).sort()).toEqual(expected());
  });
});
