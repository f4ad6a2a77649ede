/**
 * The exactly-once writer and committer against the real broker, through the stories the runtime
 * drives them through: checkpoints that complete, a process that dies between a checkpoint and its
 * commit, restarts that must abort what a dead attempt left open, and a rescale.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { END_OF_INPUT, type SinkWriter } from '@sage/core';
import { committedValues, readCommitted, settled } from '../common/read-committed.js';
import { TEST_BROKERS, TestTopics } from '../common/test-topics.js';
import { KafkaSink, type KafkaCommittable, type KafkaSinkOptions } from '../index.js';
import { fencingPlan, familyOf } from './transactional-ids.js';

const topics = new TestTopics('kafka-sink-eo');
afterAll(() => topics.close());

type Writer = SinkWriter<string, KafkaCommittable>;
/** Writers of "killed" processes: never closed by the story, only after the test, to free their sockets. */
let killed: Writer[] = [];
let live: Writer[] = [];
afterEach(async () => {
  for (const writer of live) await writer.close();
  // A killed writer's open transaction was fenced by its successor: its abort fails, as it would have.
  for (const writer of killed) await writer.close().catch(() => undefined);
  live = [];
  killed = [];
});

function sinkOf(topic: string, options: Partial<KafkaSinkOptions<string>> = {}): KafkaSink<string> {
  return new KafkaSink<string>({ brokers: TEST_BROKERS, topic, serializer: 'string', deliveryGuarantee: 'exactly-once', transactionTimeoutMs: 120_000, ...options });
}

interface Incarnation {
  readonly jobId: string;
  readonly subtaskIndex?: number;
  readonly parallelism?: number;
  readonly attempt?: number;
  /** Writer state from a checkpoint, passed through JSON as a checkpoint would keep it (plain data). */
  readonly restored?: unknown[];
}

function writerOf(sink: KafkaSink<string>, { jobId, subtaskIndex = 0, parallelism = 1, attempt = 0, restored }: Incarnation): Writer {
  const restoredState = restored === undefined ? undefined : (JSON.parse(JSON.stringify(restored)) as unknown[]);
  const writer = sink.createWriter({ jobName: 'eo test', jobId, subtaskIndex, parallelism, attemptNumber: attempt, restoredState });
  live.push(writer);
  return writer;
}

/** Drops a writer the way a killed process does: no close(), no abort; its open transaction stays open at the broker. */
function kill(writer: Writer): void {
  live = live.filter((w) => w !== writer);
  killed.push(writer);
}

/** A committable through JSON, as a checkpoint keeps it. */
const stored = (committables: KafkaCommittable[]) => JSON.parse(JSON.stringify(committables)) as KafkaCommittable[];

const range = (prefix: string, from: number, to: number) => Array.from({ length: to - from }, (_, i) => `${prefix}${from + i}`);
const newJobId = () => randomBytes(16).toString('hex');

function writeAll(writer: Writer, values: readonly string[]): void {
  for (const value of values) writer.write(value, undefined);
}

/**
 * Waits until `count` records are in the topic's log, committed or not (so that the records of an
 * open transaction are really at the broker): a read_uncommitted consumer sees them.
 */
async function untilSent(topic: string, count: number): Promise<void> {
  const consumer = topics.kafka.consumer({ groupId: topics.group(), allowAutoTopicCreation: false, readUncommitted: true, maxWaitTimeInMs: 100 });
  let seen = 0;
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachBatch: async ({ batch }) => void (seen += batch.messages.length) });
    const deadline = Date.now() + 20_000;
    while (seen < count) {
      if (Date.now() > deadline) throw new Error(`only ${seen} of ${count} records reached '${topic}'`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    await consumer.disconnect();
  }
}

describe('KafkaSink exactly-once', () => {
  it('shows a read_committed consumer nothing before the checkpoint completes, and everything after', async () => {
    const topic = await topics.create(3);
    const sink = sinkOf(topic);
    const writer = writerOf(sink, { jobId: newJobId() });
    const before = range('r', 0, 5000);
    writeAll(writer, before);
    const committables = await writer.prepareCommit(1);
    expect(committables).toHaveLength(1);
    // Records after the barrier go into the next transaction, which the first commit leaves open.
    const after = range('r', 5000, 6000);
    writeAll(writer, after);
    await untilSent(topic, 6000);

    // kafkajs's read_committed consumer, as a user's reader would be.
    const consumer = topics.kafka.consumer({ groupId: topics.group(), allowAutoTopicCreation: false, maxWaitTimeInMs: 100 });
    const seen: string[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void seen.push(message.value!.toString()) });
    try {
      await new Promise((resolve) => setTimeout(resolve, 1500));
      expect(seen).toEqual([]);
      expect(committedValues(await readCommitted(TEST_BROKERS, topic))).toEqual([]);

      await sink.createCommitter().commit(stored(committables));
      const deadline = Date.now() + 15_000;
      while (seen.length < before.length && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(seen.sort()).toEqual([...before].sort());
    } finally {
      await consumer.disconnect();
    }
    const view = await readCommitted(TEST_BROKERS, topic);
    expect(committedValues(view).sort()).toEqual([...before].sort());
    expect(settled(view)).toBe(false);

    await sink.createCommitter().commit(await writer.prepareCommit(2));
    const all = await readCommitted(TEST_BROKERS, topic);
    expect(committedValues(all).sort()).toEqual([...before, ...after].sort());
    expect(settled(all)).toBe(true);
  });

  it('commits at the end of input, and a checkpoint without records hands out nothing', async () => {
    const topic = await topics.create(1);
    const sink = sinkOf(topic);
    const writer = writerOf(sink, { jobId: newJobId() });
    expect(await writer.prepareCommit(1)).toEqual([]);
    writeAll(writer, ['a', 'b']);
    const committables = await writer.prepareCommit(END_OF_INPUT);
    expect(committables.map((c) => c.point)).toEqual([END_OF_INPUT]);
    await sink.createCommitter().commit(stored(committables));
    expect(committedValues(await readCommitted(TEST_BROKERS, topic))).toEqual(['a', 'b']);
  });

  it("commits a killed writer's prepared transaction from a new committer with its own client, and every record appears once", async () => {
    const topic = await topics.create(2);
    const sink = sinkOf(topic);
    const jobId = newJobId();
    const writer = writerOf(sink, { jobId });
    writeAll(writer, range('c', 0, 3000));
    const committables = stored(await writer.prepareCommit(1));
    const state = writer.snapshotState!(1);
    // Records after the barrier sit in an open transaction whose producer is still connected when the process "dies".
    writeAll(writer, range('lost', 0, 500));
    await untilSent(topic, 3500);
    kill(writer);

    // Recovery, in "another process": a new sink object, a new committer with a new kafkajs client,
    // commits the completed checkpoint's committables, twice (a retried recovery), then the writer restarts.
    const recovered = sinkOf(topic);
    await recovered.createCommitter().commit(committables);
    await recovered.createCommitter().commit(committables);
    const restarted = writerOf(recovered, { jobId, attempt: 1, restored: state });
    // The restored job replays what came after checkpoint 1.
    writeAll(restarted, range('lost', 0, 500));
    await recovered.createCommitter().commit(stored(await restarted.prepareCommit(2)));

    const view = await readCommitted(TEST_BROKERS, topic);
    expect(committedValues(view).sort()).toEqual([...range('c', 0, 3000), ...range('lost', 0, 500)].sort());
    // The dead writer's open transaction was aborted when the restarted writer started.
    expect(settled(view)).toBe(true);
  });

  it("aborts a crashed attempt's open and prepared-but-uncompleted transactions on restart, and they never become visible", async () => {
    const topic = await topics.create(2);
    const sink = sinkOf(topic);
    const jobId = newJobId();
    const writer = writerOf(sink, { jobId });
    writeAll(writer, range('a', 0, 1000));
    const c1 = stored(await writer.prepareCommit(1));
    const s1 = writer.snapshotState!(1);
    await sink.createCommitter().commit(c1);
    writeAll(writer, range('b', 0, 1000));
    // Checkpoint 2 is prepared but never completes; then records go into a third transaction.
    expect(await writer.prepareCommit(2)).toHaveLength(1);
    writeAll(writer, range('c', 0, 1000));
    await untilSent(topic, 3000);
    kill(writer);
    expect(settled(await readCommitted(TEST_BROKERS, topic))).toBe(false);

    // Restart from checkpoint 1: its committables are committed again, then the writer starts.
    await sink.createCommitter().commit(c1);
    const restarted = writerOf(sink, { jobId, attempt: 1, restored: s1 });
    expect(await restarted.prepareCommit(3)).toEqual([]);
    const view = await readCommitted(TEST_BROKERS, topic);
    expect(committedValues(view).sort()).toEqual(range('a', 0, 1000).sort());
    expect(settled(view)).toBe(true);

    writeAll(restarted, [...range('b', 0, 1000), ...range('c', 0, 1000)]);
    await sink.createCommitter().commit(stored(await restarted.prepareCommit(4)));
    expect(committedValues(await readCommitted(TEST_BROKERS, topic)).sort()).toEqual([...range('a', 0, 1000), ...range('b', 0, 1000), ...range('c', 0, 1000)].sort());
  });

  it('aborts the transactions of attempts that completed no checkpoint, on a restart without state', async () => {
    const topic = await topics.create(1);
    const sink = sinkOf(topic);
    const jobId = newJobId();
    // Attempt 0 and attempt 1 both die before any checkpoint completes; attempt 1 had prepared one.
    const first = writerOf(sink, { jobId, attempt: 0 });
    writeAll(first, range('x', 0, 100));
    await untilSent(topic, 100);
    kill(first);
    const second = writerOf(sink, { jobId, attempt: 1 });
    writeAll(second, range('y', 0, 100));
    await second.prepareCommit(1);
    writeAll(second, range('z', 0, 100));
    await untilSent(topic, 300);
    kill(second);

    const third = writerOf(sink, { jobId, attempt: 2 });
    expect(await third.prepareCommit(1)).toEqual([]);
    const view = await readCommitted(TEST_BROKERS, topic);
    expect(committedValues(view)).toEqual([]);
    expect(settled(view)).toBe(true);
  });

  it("after a rescale, aborts every old writer's leftovers without touching the committables another subtask commits", async () => {
    const topic = await topics.create(3);
    const sink = sinkOf(topic);
    const oldJob = newJobId();
    const committed: string[] = [];
    const committables: KafkaCommittable[] = [];
    const states: unknown[][] = [];
    for (const subtaskIndex of [0, 1, 2]) {
      const writer = writerOf(sink, { jobId: oldJob, subtaskIndex, parallelism: 3 });
      const values = range(`s${subtaskIndex}-`, 0, 500);
      writeAll(writer, values);
      committed.push(...values);
      committables.push(...stored(await writer.prepareCommit(7)));
      states.push(writer.snapshotState!(7));
      writeAll(writer, range(`late${subtaskIndex}-`, 0, 200));
      kill(writer);
    }
    await untilSent(topic, 3 * 700);

    // The job resumes from that checkpoint at parallelism 2 under a new job id. Operator state is dealt
    // round-robin: new subtask 0 gets the states of old subtasks 0 and 2, new subtask 1 that of old 1,
    // and committables may land on either. Both new writers start before the committer runs.
    const newJob = newJobId();
    const restoredOf = (index: number) => states.flat().filter((_, i) => i % 2 === index);
    const writers = [0, 1].map((subtaskIndex) => writerOf(sink, { jobId: newJob, subtaskIndex, parallelism: 2, restored: restoredOf(subtaskIndex) }));
    for (const writer of writers) expect(await writer.prepareCommit(8)).toEqual([]);
    await sink.createCommitter().commit(committables);

    const view = await readCommitted(TEST_BROKERS, topic);
    expect(committedValues(view).sort()).toEqual(committed.sort());
    expect(settled(view)).toBe(true);
    // The new writers' own transactions carry the new job id.
    writeAll(writers[1]!, ['new']);
    const [fresh] = await writers[1]!.prepareCommit(9);
    expect(fresh!.transactionalId).toBe(`sage-${newJob}-1-0-0`);
  });
});

describe('transactional ids', () => {
  const own = { prefix: 'sage', jobId: 'j1', subtaskIndex: 1, attempt: 3 };

  it('differ between jobs, subtasks and attempts, and number transactions within a writer', () => {
    const families = new Set([
      familyOf(own),
      familyOf({ ...own, jobId: 'j2' }),
      familyOf({ ...own, subtaskIndex: 2 }),
      familyOf({ ...own, attempt: 4 }),
      familyOf({ ...own, prefix: 'other' }),
    ]);
    expect(families.size).toBe(5);
    expect(familyOf(own)).toBe('sage-j1-1-3');
  });

  it("fences restored writers' ids from their nextSeq and this subtask's ids of unrecorded attempts from 0", () => {
    const restored = [{ family: 'sage-j1-1-1', jobId: 'j1', attempt: 1, nextSeq: 5 }];
    expect(fencingPlan(own, restored)).toEqual({
      fence: [
        { family: 'sage-j1-1-1', fromSeq: 5 },
        { family: 'sage-j1-1-2', fromSeq: 0 },
      ],
      firstSeq: 0,
    });
    // A fresh start of attempt 3: attempts 0 to 2 may have left transactions.
    expect(fencingPlan(own, []).fence.map((f) => f.family)).toEqual(['sage-j1-1-0', 'sage-j1-1-1', 'sage-j1-1-2']);
    // State from another job (a savepoint): its writer's ids, and this job's earlier attempts.
    expect(fencingPlan(own, [{ family: 'sage-j0-4-9', jobId: 'j0', attempt: 9, nextSeq: 2 }]).fence).toHaveLength(4);
    // A job id reused with attempts counted again: the writer continues after its namesake's transactions.
    expect(fencingPlan(own, [{ family: 'sage-j1-1-3', jobId: 'j1', attempt: 3, nextSeq: 7 }])).toEqual({ fence: [{ family: 'sage-j1-1-3', fromSeq: 7 }], firstSeq: 7 });
  });
});
