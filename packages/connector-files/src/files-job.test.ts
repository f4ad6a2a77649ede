import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StreamExecutionEnvironment } from '@sage/core';
import { CollectSink, LocalCluster } from '@sage/runtime';
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
});
