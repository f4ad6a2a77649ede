import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { StreamExecutionEnvironment, type ReaderOutput, type SourceReader } from '@sage/core';
import { CollectSink, LocalCluster } from '@sage/runtime';
import { FileSink, FileSource, type FileSplit } from './index.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sage-files-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Reads every line a set of readers (one per subtask) emits, polling them as a task would. */
async function readAll(source: FileSource, parallelism: number, restored?: FileSplit[][]): Promise<string[]> {
  const lines: string[] = [];
  const output: ReaderOutput<string> = { collect: (line) => lines.push(line) };
  for (let subtask = 0; subtask < parallelism; subtask++) {
    const reader = source.createReader({ jobName: 't', subtaskIndex: subtask, parallelism, attemptNumber: 0, restoredState: restored?.[subtask] });
    await drain(reader, output);
  }
  return lines;
}

async function drain(reader: SourceReader<string, FileSplit>, output: ReaderOutput<string>, stopAfter = Infinity): Promise<void> {
  await reader.start();
  let emitted = 0;
  const counting: ReaderOutput<string> = { collect: (line) => (emitted++, output.collect(line)) };
  for (;;) {
    const status = reader.pollNext(counting);
    if (status === 'end' || emitted >= stopAfter) break;
    if (status === 'nothing') await reader.isAvailable();
  }
  if (stopAfter === Infinity) await reader.close();
}

function committed(out: string): string[] {
  return readdirSync(out)
    .filter((f) => !f.startsWith('.'))
    .flatMap((f) => readFileSync(join(out, f), 'utf8').split('\n').filter((l) => l !== ''));
}

describe('FileSource', () => {
  it('reads every line of a directory exactly once at parallelism 1 and 3', async () => {
    const input = join(dir, 'in');
    mkdirSync(input);
    writeFileSync(join(input, 'a.txt'), 'one\ntwo\n\nthree');
    writeFileSync(join(input, 'b.txt'), 'crlf line\r\nsecond\r\n');
    writeFileSync(join(input, 'c.txt'), 'grüße 😀\nnaïve café\n');
    writeFileSync(join(input, '.hidden'), 'not read\n');
    const expected = ['one', 'two', '', 'three', 'crlf line', 'second', 'grüße 😀', 'naïve café'].sort();
    for (const p of [1, 3]) expect((await readAll(new FileSource({ path: input, chunkSizeBytes: 5 }), p)).sort()).toEqual(expected);
  });

  it('splits a large file into byte ranges that together read each line once', async () => {
    const lines = Array.from({ length: 5000 }, (_, i) => `line ${i} ${'é'.repeat(i % 7)}`);
    const file = join(dir, 'big.txt');
    writeFileSync(file, lines.join('\n') + '\n');
    for (const splitSizeBytes of [1000, 4096, 77]) {
      const read = await readAll(new FileSource({ path: file, splitSizeBytes, chunkSizeBytes: 333 }), 4);
      expect(read.sort()).toEqual([...lines].sort());
    }
  });

  it('continues from a snapshot without losing or repeating a line', async () => {
    const lines = Array.from({ length: 20_000 }, (_, i) => `record-${i}`);
    const file = join(dir, 'data.txt');
    writeFileSync(file, lines.join('\n'));
    const source = new FileSource({ path: file, splitSizeBytes: 50_000, chunkSizeBytes: 4096 });
    const first: string[] = [];
    const reader = source.createReader({ jobName: 't', subtaskIndex: 0, parallelism: 1, attemptNumber: 0, restoredState: undefined });
    await drain(reader, { collect: (l) => first.push(l) }, 7000);
    const snapshot = reader.snapshotState(1);
    await reader.close();
    const rest = await readAll(source, 1, [snapshot]);
    expect([...first, ...rest].sort()).toEqual([...lines].sort());
  });

  it('fails with a clear error when the path does not exist', async () => {
    const reader = new FileSource({ path: join(dir, 'missing') }).createReader({ jobName: 't', subtaskIndex: 0, parallelism: 1, attemptNumber: 0, restoredState: undefined });
    await expect(reader.start()).rejects.toThrow(/missing does not exist/);
  });
});

describe('FileSink', () => {
  it('writes JSON lines to hidden in-progress files and makes them visible only on commit, idempotently', async () => {
    const out = join(dir, 'out');
    const sink = new FileSink<{ n: number } | string>({ path: out, rollingSizeBytes: 100 });
    const writer = sink.createWriter({ jobName: 't', subtaskIndex: 0, parallelism: 1, attemptNumber: 0, restoredState: undefined });
    for (let n = 0; n < 50; n++) writer.write({ n }, undefined);
    writer.write('text', undefined);
    const committables = await writer.prepareCommit(1);
    expect(committables.length).toBeGreaterThan(1);
    expect(readdirSync(out).every((f) => f.startsWith('.'))).toBe(true);
    expect(committed(out)).toEqual([]);
    const committer = sink.createCommitter();
    await committer.commit(committables);
    await committer.commit(committables);
    expect(committed(out).sort()).toEqual([...Array.from({ length: 50 }, (_, n) => JSON.stringify({ n })), '"text"'].sort());
    expect(readdirSync(out).some((f) => f.startsWith('.'))).toBe(false);
    await writer.close();
  });
});

describe('files end to end in a LocalCluster', () => {
  it('runs FileSource -> map -> FileSink at parallelism 2 and commits exactly the expected records', async () => {
    const input = join(dir, 'in');
    mkdirSync(input);
    for (let f = 0; f < 3; f++) writeFileSync(join(input, `f${f}.txt`), Array.from({ length: 1000 }, (_, i) => `${f}:${i}`).join('\n') + '\n');
    const out = join(dir, 'out');
    const env = new StreamExecutionEnvironment({ parallelism: 2 });
    env
      .fromSource(new FileSource({ path: input, splitSizeBytes: 2000 }))
      .map((line: string) => ({ file: Number(line.split(':')[0]), i: Number(line.split(':')[1]) }))
      .sink(new FileSink({ path: out }));
    const result = await new LocalCluster().execute(env.compile()).result;
    expect(result.state).toBe('FINISHED');
    const records = committed(out).map((l) => JSON.parse(l) as { file: number; i: number });
    expect(records.length).toBe(3000);
    expect(new Set(records.map((r) => `${r.file}:${r.i}`)).size).toBe(3000);
    expect(readdirSync(out).some((f) => f.startsWith('.'))).toBe(false);
  });

  it('leaves no visible part file when the job fails', async () => {
    const out = join(dir, 'out');
    const env = new StreamExecutionEnvironment({ parallelism: 2 });
    env
      .fromSequence(1, 100_000)
      .map((n: number) => {
        if (n === 90_000) throw new Error('boom');
        return n;
      })
      .sink(new FileSink({ path: out }));
    const result = await new LocalCluster().execute(env.compile()).result;
    expect(result.state).toBe('FAILED');
    expect(committed(out)).toEqual([]);
  });

  it('collects lines through the runtime like any source', async () => {
    const file = join(dir, 'x.txt');
    writeFileSync(file, 'a\nb\nc\n');
    const env = new StreamExecutionEnvironment();
    const sink = new CollectSink<string>();
    env.fromSource(new FileSource({ path: file })).sink(sink);
    await new LocalCluster().execute(env.compile()).result;
    expect(sink.values).toEqual(['a', 'b', 'c']);
  });
});
