/**
 * A bounded Kafka topic with fewer partitions than source subtasks on a real cluster, against the real
 * broker: the subtasks without a partition finish at once, and checkpoints (with exactly-once commits)
 * must go on without them (FLIP-147). Output judged by Kafka's Java consumer with read_committed.
 */
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readCommitted, type CommittedView } from '../../packages/connector-kafka/src/common/read-committed.js';
import { TEST_BROKERS, TestTopics } from '../../packages/connector-kafka/src/common/test-topics.js';
import { TestCluster, type JobStatusJson } from '../support/cluster.js';
import { repoRoot } from '../support/sage-cli.js';

const job = join(repoRoot, 'tests/jobs/kafka-bounded-totals.ts');
const PARTITIONS = 2;
const ACCOUNTS = 10;
const EVENTS = 6000;
const topics = new TestTopics('finished');
let cluster: TestCluster | undefined;

beforeAll(() => topics.connect());
afterAll(() => topics.close());
afterEach(async () => {
  await cluster?.stop();
  cluster = undefined;
});

interface Status extends JobStatusJson {
  readonly checkpoints: { readonly completed: number };
}

interface Event {
  readonly account: string;
  readonly amount: number;
  readonly partition: number;
}

/** Seeded events: account `acct-i` always goes to partition i % 2, so its events stay in order. */
function events(count: number): Event[] {
  let seed = 7;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
  return Array.from({ length: count }, () => {
    const i = next() % ACCOUNTS;
    return { account: `acct-${i}`, amount: 1 + (next() % 100), partition: i % PARTITIONS };
  });
}

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

const waitForStatus = (jobId: string, what: string, condition: (s: Status) => boolean, timeoutMs?: number): Promise<Status> =>
  cluster!.waitForStatus(jobId, what, condition, timeoutMs);

describe('bounded Kafka source with fewer partitions than subtasks', () => {
  it('reads 2 partitions at parallelism 4, checkpointing after the idle subtasks finished, with exactly-once output', async () => {
    const input = await topics.create(PARTITIONS);
    const output = await topics.create(PARTITIONS);
    const data = events(EVENTS);
    // Ten records per send, so record batches are small and the job's fetches too (see the job).
    for (let i = 0; i < data.length; i += 10) {
      await topics.produce(input, data.slice(i, i + 10).map((e) => ({ partition: e.partition, key: e.account, value: JSON.stringify({ account: e.account, amount: e.amount }) })));
    }
    cluster = await TestCluster.start({ taskManagers: 2, slots: 2 });
    const submitted = await cluster.sage(['run', job, '-p', '4', '--detached', '--', '--brokers', TEST_BROKERS.join(','), '--input', input, '--output', output, '--group', topics.group(), '--rate', '400']);
    expect(submitted.code, submitted.stderr).toBe(0);
    const jobId = /[0-9a-f]{32}/.exec(submitted.stdout)![0];

    const sources = (s: Status) => s.tasks.filter((t) => t.vertex.includes('Account events'));
    // The idle subtasks finish at once; the throttle (400 records/s per subtask) keeps the subtasks that
    // read the 6000 records busy for seconds, longer on a loaded machine, so this state cannot be missed.
    const idle = await waitForStatus(
      jobId,
      'two source subtasks finished while another still reads',
      (s) => s.state === 'RUNNING' && sources(s).filter((t) => t.state === 'FINISHED').length >= 2 && sources(s).some((t) => t.state === 'RUNNING'),
    );
    await waitForStatus(jobId, 'two checkpoints after the idle subtasks finished', (s) => s.state === 'RUNNING' && s.checkpoints.completed >= idle.checkpoints.completed + 2, 30_000);
    const midway = results(await readCommitted(TEST_BROKERS, output)).length;
    expect(midway, 'results committed by checkpoints while the job runs').toBeGreaterThan(0);

    const done = await cluster.waitForJobState(jobId, ['FINISHED', 'FAILED'], 120_000);
    expect(done.state, JSON.stringify(done.failure)).toBe('FINISHED');
    const view = await readCommitted(TEST_BROKERS, output);
    expect([...results(view)].sort()).toEqual([...expectedResults(data)].sort());
  }, 180_000);
});
