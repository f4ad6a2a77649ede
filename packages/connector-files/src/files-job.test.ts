import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
import { CollectSink, FileCheckpointStorage, LocalCluster } from '@sage/runtime';
import { FileSink, FileSource } from './index.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sage-files-job-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Every record in the visible (committed) files of a FileSink directory. */
function committedRecords(out: string): unknown[] {
  return readdirSync(out)
    .filter((name) => !name.startsWith('.'))
    .flatMap((name) => readFileSync(join(out, name), 'utf8').split('\n').slice(0, -1))
    .map((line) => JSON.parse(line) as unknown);
}

/** Passes numbered lines on as numbers, and throws at `failAt` in the job's first attempt. */
class CrashInFirstAttempt {
  private attempt = 0;
  constructor(private readonly failAt: number) {}
  open(ctx: RuntimeContext): void {
    this.attempt = ctx.attemptNumber;
  }
  map(line: string): number {
    const n = Number(line);
    if (n === this.failAt && this.attempt === 0) throw new Error(`crash at ${n}`);
    return n;
  }
}

const byKey = (a: { file: number; i: number }, b: { file: number; i: number }) => a.file - b.file || a.i - b.i;

describe('files in a LocalCluster job', () => {
  it('runs FileSource -> map -> FileSink at parallelism 2 and commits exactly the expected records', async () => {
    const input = join(dir, 'in');
    mkdirSync(input);
    const expected: { file: number; i: number }[] = [];
    for (let file = 0; file < 3; file++) {
      const lines = Array.from({ length: 2000 }, (_, i) => `${file}:${i}`);
      expected.push(...lines.map((_, i) => ({ file, i })));
      writeFileSync(join(input, `f${file}.txt`), lines.join('\n') + '\n');
    }
    const out = join(dir, 'out');
    const env = new StreamExecutionEnvironment({ parallelism: 2 });
    env
      .fromSource(new FileSource({ path: input, splitSizeBytes: 4000 }))
      .map((line: string) => {
        const [file, i] = line.split(':');
        return { file: Number(file), i: Number(i) };
      })
      .sink(new FileSink({ path: out, rollingSizeBytes: 20_000 }));
    const result = await new LocalCluster().execute(env.compile()).result;

    expect(result.state).toBe('FINISHED');
    expect((committedRecords(out) as { file: number; i: number }[]).sort(byKey)).toEqual(expected);
    const names = readdirSync(out);
    expect(names.filter((name) => name.startsWith('.'))).toEqual([]);
    // Both subtasks wrote their own part files.
    expect(new Set(names.map((name) => name.split('-')[1]))).toEqual(new Set(['0', '1']));
  });

  it('leaves no visible part file when the job fails mid-way', async () => {
    const out = join(dir, 'out');
    const env = new StreamExecutionEnvironment({ parallelism: 2 });
    let seen = 0;
    env
      .fromSequence(1, 200_000)
      .map((n: number) => {
        // Each subtask has its own copy of this function, and so its own count.
        if (++seen > 60_000) throw new Error('boom after 60000 records');
        return { n };
      })
      .sink(new FileSink({ path: out, rollingSizeBytes: 100_000 }));
    const result = await new LocalCluster().execute(env.compile()).result;

    expect(result.state).toBe('FAILED');
    expect(readdirSync(out).filter((name) => !name.startsWith('.'))).toEqual([]);
    // The writers closed without a commit, and removed the in-progress files no checkpoint refers to.
    expect(readdirSync(out)).toEqual([]);
  });

  it('restarts from its checkpoints after a crash and commits every record exactly once', async () => {
    const input = join(dir, 'in.txt');
    const count = 40_000;
    writeFileSync(input, Array.from({ length: count }, (_, i) => `${i}\n`).join(''));
    const out = join(dir, 'out');
    const env = new StreamExecutionEnvironment({ jobName: 'files exactly once', parallelism: 2 });
    env.enableCheckpointing(10);
    env.setRestartStrategy(RestartStrategies.fixedDelay({ attempts: 2, delayMs: 10 }));
    env
      // Small splits and chunks: the job lives long enough for checkpoints to complete before the crash.
      .fromSource(new FileSource({ path: input, splitSizeBytes: 20_000, chunkSizeBytes: 512 }), { uid: 'lines' })
      .map(new CrashInFirstAttempt(30_000))
      .uid('crash')
      .sink(new FileSink({ path: out, rollingSizeBytes: 5_000 }))
      .uid('out');
    const storage = new FileCheckpointStorage(join(dir, 'checkpoints'));
    try {
      const execution = new LocalCluster({ batchSize: 16 }).execute(env.compile(), { checkpointStorage: storage });
      const result = await execution.result;
      expect(result.state).toBe('FINISHED');
      expect(result.restarts).toBe(1);
    } finally {
      await storage.close();
    }
    expect((committedRecords(out) as number[]).sort((a, b) => a - b)).toEqual(Array.from({ length: count }, (_, i) => i));
    expect(readdirSync(out).filter((name) => name.startsWith('.'))).toEqual([]);
  });

  it('reads only committed results when a FileSource reads a FileSink directory', async () => {
    const out = join(dir, 'out');
    writeFileSync(join(dir, 'in.txt'), 'a\nb\nc\n');
    const write = new StreamExecutionEnvironment({ parallelism: 2 });
    write.fromSource(new FileSource({ path: join(dir, 'in.txt') })).sink(new FileSink({ path: out }));
    expect((await new LocalCluster().execute(write.compile()).result).state).toBe('FINISHED');
    writeFileSync(join(out, '.part-9-abandoned-0.inprogress'), '"not committed"\n');

    const read = new StreamExecutionEnvironment({ parallelism: 3 });
    const sink = new CollectSink<string>();
    read.fromSource(new FileSource({ path: out })).sink(sink);
    expect((await new LocalCluster().execute(read.compile()).result).state).toBe('FINISHED');
    expect(sink.values.sort()).toEqual(['"a"', '"b"', '"c"']);
  });

  it('gives lines event time per split and fires every event-time timer exactly once', async () => {
    const input = join(dir, 'in');
    mkdirSync(input);
    // Three files read in name order, event time rising across them, out of order by up to 2 s within.
    const expected = new Map<string, number>();
    let state = 11;
    const random = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32;
    for (let file = 0; file < 3; file++) {
      const lines: string[] = [];
      for (let i = 0; i < 1000; i++) {
        const ts = (file * 1000 + i) * 100 + Math.floor(random() * 2000);
        const key = `k${Math.floor(random() * 5)}`;
        lines.push(`${key},${ts}`);
        const bucket = `${key}@${Math.floor(ts / 10_000) * 10_000 + 9_999}`;
        expected.set(bucket, (expected.get(bucket) ?? 0) + 1);
      }
      writeFileSync(join(input, `f${file}.txt`), lines.join('\n') + '\n');
    }
    const env = new StreamExecutionEnvironment({ parallelism: 2 });
    env.getConfig().setAutoWatermarkInterval(1);
    const sink = new CollectSink<string>();
    env
      .fromSource(
        new FileSource({ path: input, splitSizeBytes: 3000 }),
        WatermarkStrategy.forBoundedOutOfOrderness<string>(2_000).withTimestampAssigner((line) => Number(line.split(',')[1])),
      )
      .keyBy((line: string) => line.split(',')[0]!)
      .process(new TenSecondCounts())
      .sink(sink);
    const result = await new LocalCluster().execute(env.compile()).result;
    expect(result.state).toBe('FINISHED');
    expect(sink.values.sort()).toEqual([...expected].map(([bucket, count]) => `${bucket}:${count}`).sort());
  });
});

/** Counts lines per key and 10 s of event time, reported when the watermark passes; late lines are reported as such. */
class TenSecondCounts extends KeyedProcessFunction<string, string, string> {
  private counts!: ValueState<Record<string, number>>;

  override open(ctx: RuntimeContext): void {
    this.counts = ctx.getState(new ValueStateDescriptor<Record<string, number>>('counts'));
  }

  processElement(line: string, ctx: KeyedProcessContext<string>, out: Collector<string>): void {
    const end = Math.floor(ctx.timestamp()! / 10_000) * 10_000 + 9_999;
    if (end <= ctx.timerService().currentWatermark()) {
      out.collect(`late ${line}`);
      return;
    }
    const counts = this.counts.value() ?? {};
    counts[end] = (counts[end] ?? 0) + 1;
    this.counts.update(counts);
    ctx.timerService().registerEventTimeTimer(end);
  }

  override onTimer(timestamp: number, ctx: OnTimerContext<string>, out: Collector<string>): void {
    const counts = this.counts.value()!;
    out.collect(`${ctx.getCurrentKey()}@${timestamp}:${counts[timestamp]}`);
    delete counts[timestamp];
    this.counts.update(counts);
  }
}
