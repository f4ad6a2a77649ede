import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SinkWriter } from '@sage/core';
import { FileSink, type FileCommittable } from '../index.js';

let dir: string;
let out: string;
/** Writers of "crashed" attempts: never closed by the test's story, only once it is over, to free their file handles. */
let crashed: SinkWriter<unknown, FileCommittable>[];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sage-file-sink-recovery-'));
  out = join(dir, 'out');
  crashed = [];
});
afterEach(async () => {
  for (const writer of crashed) await writer.close();
  rmSync(dir, { recursive: true, force: true });
});

interface WriterState {
  subtaskIndex: number;
  token: string;
  handedOut: number;
}

function createWriter<T>(sink: FileSink<T>, subtaskIndex: number, restoredState?: unknown[]): SinkWriter<T, FileCommittable> {
  // Through JSON, as a checkpoint would store it: writer state must be plain data.
  const restored = restoredState === undefined ? undefined : (JSON.parse(JSON.stringify(restoredState)) as unknown[]);
  return sink.createWriter({ jobName: 'test', jobId: 'job-1', subtaskIndex, parallelism: 2, attemptNumber: 0, restoredState: restored });
}

/** Drops a writer the way a killed process does: no close(), its files stay as they are. */
function crash(writer: SinkWriter<unknown, FileCommittable>): void {
  crashed.push(writer);
}

const visible = () => readdirSync(out).filter((name) => !name.startsWith('.')).sort();
const hidden = () => readdirSync(out).filter((name) => name.startsWith('.')).sort();
const hiddenOf = (state: unknown[]) => hidden().filter((name) => name.includes((state[0] as WriterState).token));
const committedLines = () => visible().flatMap((name) => readFileSync(join(out, name), 'utf8').split('\n').slice(0, -1));
const finals = (committables: FileCommittable[]) => committables.map((c) => basename(c.final)).sort();

/** Enough records to fill several 64 KiB chunks, so that some reach the disk before the next commit point. */
function records(from: number, count: number): { n: number; pad: string }[] {
  return Array.from({ length: count }, (_, i) => ({ n: from + i, pad: 'x'.repeat(40) }));
}

function writeAll<T>(writer: SinkWriter<T, FileCommittable>, values: T[]): void {
  for (const value of values) writer.write(value, undefined);
}

/**
 * Writer A of subtask 0 through checkpoint 1 (completed) and checkpoint 2 (never completed), then
 * records in a part file that is still open: the state a killed process leaves behind.
 */
async function runUntilCrash(sink: FileSink<unknown>, { commitCheckpoint1 = false } = {}) {
  const writer = createWriter(sink, 0);
  const beforeCheckpoint1 = records(0, 3000);
  writeAll(writer, beforeCheckpoint1);
  const c1 = await writer.prepareCommit(1);
  const s1 = writer.snapshotState!(1);
  if (commitCheckpoint1) await sink.createCommitter().commit(c1);
  writeAll(writer, records(3000, 3000));
  const c2 = await writer.prepareCommit(2);
  writeAll(writer, records(6000, 3000));
  await writer.whenAvailable!();
  crash(writer);
  expect(c1.length).toBeGreaterThan(0);
  expect(c2.length).toBeGreaterThan(0);
  return { beforeCheckpoint1, c1, s1 };
}

describe('FileSink recovery from a checkpoint', () => {
  it('after a crash, keeps exactly the parts of the completed checkpoint and removes every other in-progress part of the crashed writer', async () => {
    const sink = new FileSink<unknown>({ path: out, rollingSizeBytes: 50_000 });
    const { beforeCheckpoint1, c1, s1 } = await runUntilCrash(sink, { commitCheckpoint1: true });
    // The crashed writer's parts of checkpoint 2 and its open part are still there.
    expect(hiddenOf(s1).length).toBeGreaterThan(0);

    // Recovery from checkpoint 1: its committables are committed again (twice here, as a retried
    // recovery would), then the writer is restored.
    const committer = sink.createCommitter();
    await committer.commit(c1);
    await committer.commit(c1);
    const restored = createWriter(sink, 0, s1);
    expect(await restored.prepareCommit(3)).toEqual([]);
    expect(hidden()).toEqual([]);
    expect(visible()).toEqual(finals(c1));
    expect(committedLines()).toEqual(beforeCheckpoint1.map((r) => JSON.stringify(r)));

    // The restored job replays what came after checkpoint 1: every record ends up committed once.
    const replayed = records(3000, 6000);
    writeAll(restored, replayed);
    await committer.commit(await restored.prepareCommit(4));
    const all = [...beforeCheckpoint1, ...replayed].map((r) => JSON.stringify(r));
    expect(committedLines().sort()).toEqual(all.sort());
    expect(hidden()).toEqual([]);
    await restored.close();
  });

  it('after dying between completing a checkpoint and committing it, commits that checkpoint on recovery and removes the rest', async () => {
    const sink = new FileSink<unknown>({ path: out, rollingSizeBytes: 50_000 });
    const { beforeCheckpoint1, c1, s1 } = await runUntilCrash(sink);
    expect(visible()).toEqual([]);

    await sink.createCommitter().commit(c1);
    const restored = createWriter(sink, 0, s1);
    expect(await restored.prepareCommit(3)).toEqual([]);
    await restored.close();
    expect(hidden()).toEqual([]);
    expect(visible()).toEqual(finals(c1));
    expect(committedLines()).toEqual(beforeCheckpoint1.map((r) => JSON.stringify(r)));
  });

  it("keeps the restored writer's parts that the checkpoint covers, for a commit that comes after the restore", async () => {
    // After a rescale, the committables of an old subtask may be dealt to another new subtask than its
    // writer state, and that subtask may commit them only after this writer has cleaned up.
    const sink = new FileSink<unknown>({ path: out, rollingSizeBytes: 50_000 });
    const { beforeCheckpoint1, c1, s1 } = await runUntilCrash(sink);
    const restored = createWriter(sink, 0, s1);
    expect(await restored.prepareCommit(3)).toEqual([]);
    expect(hidden()).toEqual(c1.map((c) => basename(c.inProgress)).sort());

    await sink.createCommitter().commit(c1);
    expect(hidden()).toEqual([]);
    expect(committedLines()).toEqual(beforeCheckpoint1.map((r) => JSON.stringify(r)));
    await restored.close();
  });

  it('cleans up after every old writer whose state a rescaled writer inherits, and never touches a live writer', async () => {
    const sink = new FileSink<unknown>({ path: out, rollingSizeBytes: 50_000 });
    const old = [createWriter(sink, 0), createWriter(sink, 1)];
    const committed: FileCommittable[] = [];
    const states: unknown[][] = [];
    for (const [i, writer] of old.entries()) {
      writeAll(writer, records(i * 1000, 1000));
      committed.push(...(await writer.prepareCommit(1)));
      states.push(writer.snapshotState!(1));
      writeAll(writer, records(10_000 + i * 3000, 3000));
      await writer.whenAvailable!();
      crash(writer);
    }
    // Writers of another job on the same directory, one of them with a restored writer's subtask index.
    const live = [createWriter(sink, 0), createWriter(sink, 5)];
    for (const writer of live) {
      writeAll(writer, records(50_000, 3000));
      await writer.whenAvailable!();
    }
    const liveFiles = () => hidden().filter((name) => live.some((w) => name.includes((w.snapshotState!(0)[0] as WriterState).token)));
    const liveBefore = liveFiles().map((name) => [name, readFileSync(join(out, name), 'utf8')]);
    expect(liveBefore.length).toBeGreaterThanOrEqual(2);
    for (const state of states) expect(hiddenOf(state).length).toBeGreaterThan(0);

    await sink.createCommitter().commit(committed);
    // Parallelism 2 -> 1: the one new subtask gets both old writers' states, as one flat list.
    const rescaled = createWriter(sink, 0, states.flat());
    expect(await rescaled.prepareCommit(2)).toEqual([]);
    for (const state of states) expect(hiddenOf(state)).toEqual([]);
    expect(liveFiles().map((name) => [name, readFileSync(join(out, name), 'utf8')])).toEqual(liveBefore);
    expect(hidden()).toEqual(liveFiles());
    expect(visible()).toEqual(finals(committed));
    expect(committedLines().sort()).toEqual([...records(0, 1000), ...records(1000, 1000)].map((r) => JSON.stringify(r)).sort());

    for (const writer of [...live, rescaled]) await writer.close();
  });

  it('keeps restored writer states in its snapshots until it has removed their leftovers', async () => {
    const sink = new FileSink<unknown>({ path: out });
    const { s1 } = await runUntilCrash(sink);
    const restored = createWriter(sink, 1, s1);
    // Taken before the disk queue ran: a restore from this snapshot must still find the crashed writer's parts.
    expect(restored.snapshotState!(2)).toEqual([expect.objectContaining({ subtaskIndex: 1, handedOut: 0 }), ...s1]);
    await restored.prepareCommit(2);
    expect(restored.snapshotState!(2)).toEqual([expect.objectContaining({ subtaskIndex: 1, handedOut: 0 })]);
    await restored.close();
  });

  it('counts the parts a writer has handed out for a commit in its state', async () => {
    const sink = new FileSink<unknown>({ path: out, rollingSizeBytes: 50_000 });
    const writer = createWriter(sink, 3);
    expect(writer.snapshotState!(1)).toEqual([{ subtaskIndex: 3, token: expect.stringMatching(/^[0-9a-f]{12}$/), handedOut: 0 }]);
    writeAll(writer, records(0, 3000));
    const committables = await writer.prepareCommit(2);
    expect(writer.snapshotState!(2)).toEqual([expect.objectContaining({ handedOut: committables.length })]);
    await writer.close();
  });

  it('refuses writer state that no FileSink writer produced', () => {
    const sink = new FileSink<unknown>({ path: out });
    for (const state of [{ offset: 3 }, { subtaskIndex: 0, token: '../../etc', handedOut: 0 }, { subtaskIndex: -1, token: 'abcdefabcdef', handedOut: 0 }, null]) {
      expect(() => createWriter(sink, 0, [state])).toThrow(expect.objectContaining({ code: 'InvalidWriterState' }));
    }
  });
});
