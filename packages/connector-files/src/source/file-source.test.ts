import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ReaderOutput, SourceReader } from '@sage/core';
import { FileSource, FileSourceError, type FileSplit } from '../index.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sage-file-source-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function createReader(source: FileSource, subtaskIndex: number, parallelism: number, restoredState?: FileSplit[]) {
  return source.createReader({ jobName: 'test', jobId: 'job-1', subtaskIndex, parallelism, attemptNumber: 0, restoredState });
}

/**
 * Polls a started reader as a task does until it ends, or until it has emitted `limit` lines (then it
 * stops between two polls, where a task would take a checkpoint).
 */
async function poll(reader: SourceReader<string, FileSplit>, lines: string[], limit = Infinity): Promise<void> {
  const output: ReaderOutput<string> = { collect: (line) => lines.push(line) > 0 };
  for (let polls = 1; ; polls++) {
    const status = reader.pollNext(output);
    if (status === 'end' || lines.length >= limit) return;
    if (status === 'nothing') await reader.isAvailable();
    // Let timers run now and then, so that a reader which never ends fails on the test timeout.
    if (polls % 1000 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Every line the subtasks of `source` emit, subtask after subtask. */
async function readAll(source: FileSource, parallelism: number): Promise<string[]> {
  const lines: string[] = [];
  for (let subtask = 0; subtask < parallelism; subtask++) {
    const reader = createReader(source, subtask, parallelism);
    await reader.start();
    await poll(reader, lines);
    await reader.close();
  }
  return lines;
}

const sorted = (lines: readonly string[]) => [...lines].sort();

describe('FileSource', () => {
  it('reads every line of a directory exactly once at parallelism 1 and 3', async () => {
    const input = join(dir, 'in');
    mkdirSync(input);
    writeFileSync(join(input, 'a.txt'), 'one\ntwo\n\nthree'); // empty line, no newline at the end
    writeFileSync(join(input, 'b.txt'), 'crlf line\r\nsecond\r\n\r\n');
    writeFileSync(join(input, 'c.txt'), 'grüße 😀\nnaïve café\n€€€€€€€\n');
    writeFileSync(join(input, 'd.txt'), '');
    writeFileSync(join(input, '.hidden'), 'not read\n');
    writeFileSync(join(input, '_SUCCESS'), 'not read\n');
    mkdirSync(join(input, 'nested'));
    writeFileSync(join(input, 'nested', 'e.txt'), 'not read\n');
    const expected = ['one', 'two', '', 'three', 'crlf line', 'second', '', 'grüße 😀', 'naïve café', '€€€€€€€'];
    // Chunks of 1, 2, 3 and 5 bytes cut every multi-byte character somewhere.
    for (const chunkSizeBytes of [1, 2, 3, 5, 1024]) {
      for (const parallelism of [1, 3]) {
        expect(sorted(await readAll(new FileSource({ path: input, chunkSizeBytes }), parallelism))).toEqual(sorted(expected));
      }
    }
  });

  it('reads a single file given as the path, in order', async () => {
    const file = join(dir, 'x.txt');
    writeFileSync(file, 'a\nb\nc\n');
    expect(await readAll(new FileSource({ path: file }), 1)).toEqual(['a', 'b', 'c']);
  });

  it('spreads the byte-range splits of one large file over subtasks and reads every line once', async () => {
    const lines = Array.from({ length: 5000 }, (_, i) => `line ${i} ${'é'.repeat(i % 7)}${i % 11 === 0 ? '' : 'x'.repeat(i % 13)}`);
    const file = join(dir, 'big.txt');
    writeFileSync(file, lines.join('\n') + '\n');
    for (const splitSizeBytes of [77, 1000, 4096]) {
      const source = new FileSource({ path: file, splitSizeBytes, chunkSizeBytes: 333 });
      const perSubtask: string[][] = [];
      for (let subtask = 0; subtask < 4; subtask++) {
        const read: string[] = [];
        const reader = createReader(source, subtask, 4);
        await reader.start();
        await poll(reader, read);
        await reader.close();
        perSubtask.push(read);
      }
      expect(perSubtask.every((read) => read.length > 0)).toBe(true);
      expect(sorted(perSubtask.flat())).toEqual(sorted(lines));
    }
  });

  it('gives a line that begins exactly at a split boundary to the split before it, once', async () => {
    // Lines of 10 bytes: with splits of 10 and 20 bytes, every split but the first starts on a line.
    const lines = Array.from({ length: 100 }, (_, i) => `row-${String(i).padStart(5, '0')}`);
    const file = join(dir, 'rows.txt');
    writeFileSync(file, lines.join('\n') + '\n');
    for (const splitSizeBytes of [1, 9, 10, 11, 20]) {
      for (const parallelism of [1, 2, 3]) {
        expect(sorted(await readAll(new FileSource({ path: file, splitSizeBytes, chunkSizeBytes: 7 }), parallelism))).toEqual(lines);
      }
    }
  });

  it('reads a line much longer than a chunk whole', async () => {
    const long = 'ä'.repeat(300_000);
    const file = join(dir, 'long.txt');
    writeFileSync(file, `short\n${long}\nend`);
    expect(await readAll(new FileSource({ path: file, chunkSizeBytes: 4096 }), 1)).toEqual(['short', long, 'end']);
    // The long line straddles many split boundaries: only the split it begins in reads it.
    expect(sorted(await readAll(new FileSource({ path: file, splitSizeBytes: 50_000, chunkSizeBytes: 4096 }), 3))).toEqual(sorted(['short', long, 'end']));
  });

  it('continues from a snapshot without losing or repeating a line', async () => {
    const lines = Array.from({ length: 20_000 }, (_, i) => `record-${i}`);
    const file = join(dir, 'data.txt');
    writeFileSync(file, lines.join('\n'));
    const source = new FileSource({ path: file, splitSizeBytes: 50_000, chunkSizeBytes: 4096 });
    for (const stopAfter of [1, 4096, 7000, 19_999]) {
      const before: string[] = [];
      const first = createReader(source, 0, 1);
      await first.start();
      await poll(first, before, stopAfter);
      const snapshot = first.snapshotState(1);
      // Positions are plain data, as a checkpoint stores them.
      const restored = JSON.parse(JSON.stringify(snapshot)) as FileSplit[];
      await first.close();

      const after: string[] = [];
      const second = createReader(source, 0, 1, restored);
      await second.start();
      await poll(second, after);
      await second.close();
      expect(before.length).toBeGreaterThanOrEqual(stopAfter);
      expect([...before, ...after]).toEqual(lines);
    }
  });

  it('snapshots the byte offset of the next line of every split it has not finished', async () => {
    const file = join(dir, 'data.txt');
    writeFileSync(file, 'aaaa\nbbbb\ncccc\ndddd\n'); // 20 bytes
    const reader = createReader(new FileSource({ path: file, splitSizeBytes: 10 }), 0, 1);
    await reader.start();
    expect(reader.snapshotState(1)).toEqual([
      { path: file, start: 0, end: 10, offset: 0 },
      { path: file, start: 10, end: 20, offset: null },
    ]);
    const lines: string[] = [];
    await poll(reader, lines);
    expect(reader.snapshotState(2)).toEqual([]);
    await reader.close();
  });

  it('fails with FileNotFound naming the path when the input does not exist', async () => {
    const missing = join(dir, 'missing');
    const reader = createReader(new FileSource({ path: missing }), 0, 1);
    const failure = await reader.start().then(() => undefined, (error: unknown) => error);
    expect(failure).toBeInstanceOf(FileSourceError);
    expect(failure).toMatchObject({ code: 'FileNotFound' });
    expect((failure as Error).message).toContain(`${missing} does not exist`);
  });

  it('fails with FileNotFound when a restored split names a file that is gone', async () => {
    const gone = join(dir, 'gone.txt');
    const reader = createReader(new FileSource({ path: dir }), 0, 1, [{ path: gone, start: 0, end: 100, offset: 0 }]);
    await expect(reader.start().then(() => reader.pollNext({ collect: () => true }))).rejects.toMatchObject({ code: 'FileNotFound' });
    await reader.close();
  });

  it('rejects options that are not positive sizes', () => {
    expect(() => new FileSource({ path: dir, splitSizeBytes: 0 })).toThrow(/splitSizeBytes must be a positive whole number/);
    expect(() => new FileSource({ path: '' })).toThrow(FileSourceError);
  });
});

describe('FileSource split outputs', () => {
  it("emits each split's lines through the split's own output and releases it once the split is done", async () => {
    const input = join(dir, 'in');
    mkdirSync(input);
    writeFileSync(join(input, 'a.txt'), 'a1\na2\n');
    writeFileSync(join(input, 'b.txt'), 'b1\nb2\nb3\n');
    const reader = createReader(new FileSource({ path: input }), 0, 1);
    await reader.start();
    const events: string[] = [];
    const output: ReaderOutput<string> = {
      collect: (line) => events.push(`main:${line}`) > 0,
      createOutputForSplit: (id) => {
        events.push(`open ${id.slice(input.length + 1)}`);
        return { collect: (line) => events.push(`${id.slice(input.length + 1)}:${line}`) > 0 };
      },
      releaseOutputForSplit: (id) => void events.push(`release ${id.slice(input.length + 1)}`),
    };
    for (;;) {
      const status = reader.pollNext(output);
      if (status === 'end') break;
      if (status === 'nothing') await reader.isAvailable();
    }
    await reader.close();
    expect(events).toEqual(['open a.txt@0', 'a.txt@0:a1', 'a.txt@0:a2', 'release a.txt@0', 'open b.txt@0', 'b.txt@0:b1', 'b.txt@0:b2', 'b.txt@0:b3', 'release b.txt@0']);
  });
});
