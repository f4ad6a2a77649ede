import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SinkWriter } from '@sage/core';
import { FileSink, FileSinkError, type FileCommittable } from '../index.js';

let dir: string;
let out: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sage-file-sink-'));
  out = join(dir, 'out');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function createWriter<T>(sink: FileSink<T>, subtaskIndex = 0, attemptNumber = 0): SinkWriter<T, FileCommittable> {
  return sink.createWriter({ jobName: 'test', jobId: 'job-1', subtaskIndex, parallelism: 2, attemptNumber, restoredState: undefined });
}

const visible = () => readdirSync(out).filter((name) => !name.startsWith('.'));
const hidden = () => readdirSync(out).filter((name) => name.startsWith('.'));
/** The lines of every visible file, in file name order. */
const committedLines = () => visible().sort().flatMap((name) => readFileSync(join(out, name), 'utf8').split('\n').slice(0, -1));

describe('FileSink', () => {
  it('writes one JSON record per line into hidden files and makes them visible only on commit', async () => {
    const sink = new FileSink<unknown>({ path: out });
    const writer = createWriter(sink);
    const records = [{ n: 1, text: 'grüße\n"quoted"' }, 'a string', 42, null, [1, 2]];
    for (const record of records) writer.write(record, undefined);
    const committables = await writer.prepareCommit(1);
    expect(committables).toHaveLength(1);
    expect(visible()).toEqual([]);
    expect(hidden()).toEqual([expect.stringMatching(/^\.part-0-[0-9a-f]+-0\.inprogress$/)]);

    await sink.createCommitter().commit(committables);
    expect(hidden()).toEqual([]);
    expect(visible()).toEqual([expect.stringMatching(/^part-0-[0-9a-f]+-0$/)]);
    expect(committedLines().map((line) => JSON.parse(line))).toEqual(records);
    await writer.close();
  });

  it('commits idempotently, and fails clearly when a part file has vanished', async () => {
    const sink = new FileSink<number>({ path: out });
    const writer = createWriter(sink);
    writer.write(7, undefined);
    const committables = await writer.prepareCommit(1);
    const committer = sink.createCommitter();
    await committer.commit(committables);
    await committer.commit(committables);
    expect(committedLines()).toEqual(['7']);

    rmSync(committables[0]!.final);
    const failure = await committer.commit(committables).then(() => undefined, (error: unknown) => error);
    expect(failure).toBeInstanceOf(FileSinkError);
    expect(failure).toMatchObject({ code: 'PartFileMissing' });
    await writer.close();
  });

  it('rolls to a new part file past the rolling size and hands every closed part to the commit', async () => {
    const sink = new FileSink<{ n: number }>({ path: out, rollingSizeBytes: 100_000 });
    const writer = createWriter(sink);
    const count = 50_000;
    for (let n = 0; n < count; n++) writer.write({ n }, undefined);
    const committables = await writer.prepareCommit(1);
    // A part rolls at the first chunk (64 KiB) that takes it past the rolling size.
    expect(committables.length).toBeGreaterThanOrEqual(4);
    await sink.createCommitter().commit(committables);
    // Part numbers follow the order of writing.
    const byPart = (name: string) => Number(name.slice(name.lastIndexOf('-') + 1));
    const lines = visible()
      .sort((a, b) => byPart(a) - byPart(b))
      .flatMap((name) => readFileSync(join(out, name), 'utf8').split('\n').slice(0, -1));
    expect(lines).toEqual(Array.from({ length: count }, (_, n) => JSON.stringify({ n })));
    await writer.close();
  });

  it('starts a new part file at every commit point and returns nothing when nothing was written', async () => {
    const sink = new FileSink<string>({ path: out });
    const writer = createWriter(sink);
    writer.write('first', undefined);
    const one = await writer.prepareCommit(1);
    expect(await writer.prepareCommit(2)).toEqual([]);
    writer.write('second', undefined);
    const two = await writer.prepareCommit(3);
    expect(two).toHaveLength(1);
    expect(two[0]!.final).not.toBe(one[0]!.final);
    await sink.createCommitter().commit([...one, ...two]);
    expect(committedLines().sort()).toEqual(['"first"', '"second"']);
    await writer.close();
  });

  it('returns no committable and creates no file, not even its directory, at checkpoints with nothing written in between', async () => {
    const sink = new FileSink<string>({ path: out });
    const writer = createWriter(sink);
    for (const checkpoint of [1, 2, 3]) expect(await writer.prepareCommit(checkpoint)).toEqual([]);
    // A job that fails before its first record must not leave an empty output directory behind.
    expect(existsSync(out)).toBe(false);
    writer.write('only', undefined);
    expect(await writer.prepareCommit(4)).toHaveLength(1);
    for (const checkpoint of [5, 6]) expect(await writer.prepareCommit(checkpoint)).toEqual([]);
    expect(hidden()).toHaveLength(1);
    expect(visible()).toEqual([]);
    await writer.close();
  });

  it('never gives two writers of the same subtask the same file names', async () => {
    const sink = new FileSink<number>({ path: out });
    const writers = [createWriter(sink, 0, 0), createWriter(sink, 0, 0), createWriter(sink, 0, 1), createWriter(sink, 1, 0)];
    const committables: FileCommittable[] = [];
    for (const [i, writer] of writers.entries()) {
      writer.write(i, undefined);
      committables.push(...(await writer.prepareCommit(1)));
    }
    await sink.createCommitter().commit(committables);
    expect(new Set(committables.map((c) => c.final)).size).toBe(4);
    expect(committedLines().sort()).toEqual(['0', '1', '2', '3']);
    for (const writer of writers) await writer.close();
  });

  it('leaves nothing visible, and removes its part files, when closed without a commit', async () => {
    const sink = new FileSink<{ n: number }>({ path: out, rollingSizeBytes: 50_000 });
    const writer = createWriter(sink);
    for (let n = 0; n < 30_000; n++) writer.write({ n }, undefined);
    // Let the disk queue create some in-progress files before the writer is abandoned.
    await writer.whenAvailable!();
    expect(hidden().length).toBeGreaterThan(0);
    expect(visible()).toEqual([]);
    await writer.close();
    expect(readdirSync(out)).toEqual([]);
  });

  it('keeps the part files it handed out for a commit when closed before that commit', async () => {
    const sink = new FileSink<number>({ path: out });
    const writer = createWriter(sink);
    writer.write(1, undefined);
    const committables = await writer.prepareCommit(1);
    writer.write(2, undefined);
    await writer.close();
    // A checkpoint holds these committables: they must survive the writer to be committed later.
    await sink.createCommitter().commit(committables);
    expect(committedLines()).toEqual(['1']);
    expect(hidden()).toEqual([]);
  });

  it('asks the task to hold back while megabytes wait for the disk, and frees it once written', async () => {
    const sink = new FileSink<string>({ path: out });
    const writer = createWriter(sink);
    const record = 'x'.repeat(1000);
    let writes = 0;
    while (writer.isAvailable!()) {
      writer.write(record, undefined);
      writes++;
    }
    // Unavailable after a bounded amount: about 4 MiB of records, not every record the task has.
    expect(writes).toBeGreaterThan(3000);
    expect(writes).toBeLessThan(6000);
    await writer.whenAvailable!();
    expect(writer.isAvailable!()).toBe(true);
    const committables = await writer.prepareCommit(1);
    await sink.createCommitter().commit(committables);
    expect(committedLines()).toHaveLength(writes);
    await writer.close();
  });

  it('refuses records that have no JSON form', async () => {
    const writer = createWriter(new FileSink<unknown>({ path: out }));
    expect(() => writer.write(undefined, undefined)).toThrow(FileSinkError);
    expect(() => writer.write(() => 1, undefined)).toThrow(/has no JSON form/);
    await writer.close();
  });

  it('fails the writer with FileWriteFailed when the directory cannot be created', async () => {
    const blocked = join(dir, 'file');
    const sink = new FileSink<number>({ path: join(blocked, 'out') });
    // A regular file where a parent directory should be.
    writeFileSync(blocked, '');
    const writer = createWriter(sink);
    writer.write(1, undefined);
    await expect(writer.prepareCommit(1)).rejects.toMatchObject({ code: 'FileWriteFailed' });
    expect(writer.isAvailable!()).toBe(true);
    expect(() => writer.write(2, undefined)).toThrow(FileSinkError);
    await writer.close();
  });
});
