/**
 * The Kafka aggregates example (tests/jobs/kafka-aggregates.ts, the pipeline of
 * packages/examples/src/kafka-aggregates.ts) on a real cluster against the real broker: JSON events
 * produced while the job runs, a TaskManager killed with SIGKILL after two checkpoints, and the output
 * judged by Kafka's Java consumer with isolation.level=read_committed (kafkajs's own consumer shows
 * records of aborted transactions, see packages/connector-kafka/src/common/read-committed.ts).
 */
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readCommitted, type CommittedView } from '../../packages/connector-kafka/src/common/read-committed.js';
import { TEST_BROKERS, TestTopics } from '../../packages/connector-kafka/src/common/test-topics.js';
import { TestCluster, type JobStatusJson } from '../support/cluster.js';
import { repoRoot, waitFor } from '../support/sage-cli.js';

const job = join(repoRoot, 'tests/jobs/kafka-aggregates.ts');
const PARTITIONS = 4;
const ACCOUNTS = 12;
const EVENTS = 8000;
const topics = new TestTopics('cluster');
let cluster: TestCluster | undefined;

beforeAll(() => topics.connect());
afterAll(() => topics.close());
afterEach(async () => {
  await cluster?.stop();
  cluster = undefined;
});

interface Status extends JobStatusJson {
  readonly restarts: number;
  readonly restoredCheckpointId: number | null;
  readonly checkpoints: { readonly completed: number };
}

interface Event {
  readonly account: string;
  readonly amount: number;
  readonly partition: number;
}

/** Seeded events: account `acct-i` always goes to partition i % 4, keyed by account, so its events stay in order. */
function events(count: number): Event[] {
  let seed = 42;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
  return Array.from({ length: count }, () => {
    const i = next() % ACCOUNTS;
    return { account: `acct-${i}`, amount: 1 + (next() % 100), partition: i % PARTITIONS };
  });
}

/** Every running total the job must write, as `account:count:total`. */
function expectedResults(input: readonly Event[]): string[] {
  const totals = new Map<string, { count: number; total: number }>();
  return input.map((e) => {
    const t = totals.get(e.account) ?? { count: 0, total: 0 };
    const next = { count: t.count + 1, total: t.total + e.amount };
    totals.set(e.account, next);
    return `${e.account}:${next.count}:${next.total}`;
  });
}

function results(view: CommittedView): string[] {
  return view.records.map((r) => {
    const t = JSON.parse(r.value!.toString('utf8')) as { account: string; count: number; total: number };
    return `${t.account}:${t.count}:${t.total}`;
  });
}

/**
 * Written in batches of 100 every 100 ms; the second half only once `killed` resolves, so the job is
 * mid-stream when the TaskManager dies however long the checkpoints before the kill take.
 */
async function produceSlowly(topic: string, input: readonly Event[], killed: Promise<void>): Promise<void> {
  for (let i = 0; i < input.length; i += 100) {
    if (i === input.length / 2) await killed;
    await topics.produce(
      topic,
      input.slice(i, i + 100).map((e) => ({ partition: e.partition, key: e.account, value: JSON.stringify({ account: e.account, amount: e.amount }) })),
    );
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function status(jobId: string): Promise<Status> {
  return (await cluster!.status(jobId)) as Status;
}

const waitForStatus = (jobId: string, what: string, condition: (s: Status) => boolean, timeoutMs?: number): Promise<Status> =>
  cluster!.waitForStatus(jobId, what, condition, timeoutMs);

/** Kills (SIGKILL) a TaskManager that runs some of the job's tasks. */
async function killTaskManagerOf(jobId: string): Promise<void> {
  const used = new Set((await status(jobId)).tasks.map((t) => t.taskManager));
  const index = [...used].map((id) => Number(/tm-(\d+)/.exec(id)?.[1]) - 1).find((i) => i >= 0 && i < cluster!.taskManagers.length);
  expect(index, `a TaskManager id among ${[...used].join(', ')}`).toBeDefined();
  cluster!.taskManagers[index!]!.child.kill('SIGKILL');
}

/** How many input records of each partition the output reflects: one running total per event. */
function coveredPerPartition(output: readonly string[]): Map<number, number> {
  const covered = new Map<number, number>();
  for (const result of output) {
    const partition = Number(result.split(':')[0]!.slice('acct-'.length)) % PARTITIONS;
    covered.set(partition, (covered.get(partition) ?? 0) + 1);
  }
  return covered;
}

/** Topics, a group, a cluster, the job submitted and events flowing; returns what the test needs to judge. */
async function runThroughKill(delivery: 'exactly-once' | 'at-least-once') {
  const input = await topics.create(PARTITIONS);
  const output = await topics.create(PARTITIONS);
  const group = topics.group();
  const data = events(EVENTS);
  cluster = await TestCluster.start({ taskManagers: 2, slots: 2 });
  const submitted = await cluster.sage(['run', job, '-p', '2', '--detached', '--', '--brokers', TEST_BROKERS.join(','), '--input', input, '--output', output, '--group', group, '--delivery', delivery]);
  expect(submitted.code, submitted.stderr).toBe(0);
  const jobId = /[0-9a-f]{32}/.exec(submitted.stdout)![0];
  await waitForStatus(jobId, 'RUNNING', (s) => s.state === 'RUNNING');
  let markKilled!: () => void;
  const killed = new Promise<void>((resolve) => (markKilled = resolve));
  const producing = produceSlowly(input, data, killed);

  const beforeKill = await waitForStatus(jobId, 'two completed checkpoints', (s) => s.state === 'RUNNING' && s.checkpoints.completed >= 2);
  // The group's offsets trail the checkpoints: sampled now, they never cover more than the output a
  // completed checkpoint committed. The next checkpoint completing means the sink has committed the
  // one the sampled offsets came from.
  const groupOffsets = await topics.committedOffsets(group, input);
  await waitForStatus(jobId, 'one more checkpoint', (s) => s.checkpoints.completed > beforeKill.checkpoints.completed);
  const committedSoFar = delivery === 'exactly-once' ? coveredPerPartition(results(await readCommitted(TEST_BROKERS, output))) : undefined;

  await killTaskManagerOf(jobId);
  markKilled();
  await producing;
  const restarted = await waitForStatus(jobId, 'restarted from a checkpoint', (s) => s.state === 'RUNNING' && s.restarts >= 1, 90_000);
  return { jobId, input, output, group, data, groupOffsets, committedSoFar, restarted };
}

/** Reads the output until it holds at least `count` results with no transaction left open. */
async function readUntil(output: string, count: number): Promise<string[]> {
  let view: CommittedView | undefined;
  await waitFor(
    async () => {
      view = await readCommitted(TEST_BROKERS, output);
      return view.records.length >= count && [...view.highWatermark].every(([p, high]) => view!.lastStable.get(p) === high);
    },
    60_000,
    () => `${count} committed results in ${output}; have ${view?.records.length}`,
  );
  return results(view!);
}

const sum = (offsets: Map<number, number>) => [...offsets.values()].reduce((n, o) => n + Math.max(o, 0), 0);

describe('Kafka aggregates example on a cluster', () => {
  it('writes every running total exactly once through kill -9 of a TaskManager, resuming at the checkpointed offsets', async () => {
    const run = await runThroughKill('exactly-once');
    expect(run.restarted.restoredCheckpointId).not.toBeNull();

    // Offsets committed to the group before the kill are within what completed checkpoints committed.
    expect(sum(run.groupOffsets)).toBeGreaterThan(0);
    for (const [partition, offset] of run.groupOffsets) expect(offset).toBeLessThanOrEqual(run.committedSoFar!.get(partition) ?? 0);

    const expected = expectedResults(run.data);
    const output = await readUntil(run.output, expected.length);
    // Exact: a record read twice after the restart would repeat a total or push a count past the end.
    expect(output.length).toBe(expected.length);
    expect([...output].sort()).toEqual([...expected].sort());

    // Checkpoints go on while the job idles; one of them commits the final offsets to the group.
    const ends = await topics.endOffsets(run.input);
    await waitFor(async () => sum(await topics.committedOffsets(run.group, run.input)) === EVENTS, 30_000, () => `group offsets to reach ${EVENTS}`);
    const final = await topics.committedOffsets(run.group, run.input);
    for (const [partition, end] of ends) expect(final.get(partition)).toBe(end);
    expect((await cluster!.sage(['cancel', run.jobId])).code).toBe(0);
  }, 150_000);

  it('writes every running total at least once through kill -9 of a TaskManager with at-least-once', async () => {
    const run = await runThroughKill('at-least-once');
    expect(run.restarted.restoredCheckpointId).not.toBeNull();
    for (const [partition, offset] of run.groupOffsets) expect(offset).toBeLessThanOrEqual((await topics.endOffsets(run.input)).get(partition)!);

    const expected = expectedResults(run.data);
    const wanted = new Set(expected);
    let output: string[] = [];
    await waitFor(
      async () => {
        output = results(await readCommitted(TEST_BROKERS, run.output));
        return new Set(output).size >= wanted.size;
      },
      60_000,
      () => `${wanted.size} distinct results in ${run.output}; have ${new Set(output).size}`,
    );
    // No loss, and what is repeated is a replay from the restored state: the same totals again, never a wrong one.
    expect(new Set(output)).toEqual(wanted);
    expect(output.length).toBeGreaterThanOrEqual(expected.length);
    expect((await cluster!.sage(['cancel', run.jobId])).code).toBe(0);
  }, 150_000);
});
