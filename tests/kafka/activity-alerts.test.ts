/**
 * The activity alerts example (packages/examples/src/activity-alerts.ts) on a real cluster against the
 * real broker: out-of-order user events in four partitions, sliding event-time windows, a TaskManager
 * killed with SIGKILL mid-stream, and the alerts judged by Kafka's Java consumer with
 * isolation.level=read_committed against a brute-force answer. Partitions are read at different
 * speeds after the restart; per-partition watermarks keep every event in its window.
 */
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readCommitted, type CommittedView } from '../../packages/connector-kafka/src/common/read-committed.js';
import { TEST_BROKERS, TestTopics } from '../../packages/connector-kafka/src/common/test-topics.js';
import { TestCluster, type JobStatusJson } from '../support/cluster.js';
import { repoRoot, waitFor } from '../support/sage-cli.js';

const job = join(repoRoot, 'packages/examples/src/activity-alerts.ts');
const PARTITIONS = 4;
const USERS = 24;
const EVENTS = 12_000;
const START = Date.UTC(2026, 11, 8, 9, 0, 0);
const topics = new TestTopics('activity');
let cluster: TestCluster | undefined;

beforeAll(() => topics.connect());
afterAll(() => topics.close());
afterEach(async () => {
  await cluster?.stop();
  cluster = undefined;
});

interface Status extends JobStatusJson {
  readonly restarts: number;
  readonly checkpoints: { readonly completed: number };
}

interface UserEvent {
  readonly userId: string;
  readonly ts: number;
  readonly action: string;
  readonly amount?: number;
}

/** Seeded events 100 ms apart, each up to 4 s early; user `u<i>` always in partition i % 4. */
function events(count: number): UserEvent[] {
  let state = 20261208;
  const random = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32;
  return Array.from({ length: count }, (_, i) => {
    const r = random();
    const action = r < 0.1 ? 'failed-login' : r < 0.18 ? 'purchase' : r < 0.4 ? 'login' : 'view';
    const userId = `u${Math.floor(random() * USERS)}`;
    const ts = START + i * 100 - Math.floor(random() * 4000);
    return action === 'purchase' ? { userId, ts, action, amount: 1 + Math.floor(random() * 200) } : { userId, ts, action };
  });
}

const partitionOf = (userId: string) => Number(userId.slice(1)) % PARTITIONS;

/** Every alert, by brute force: each 10-minute window sliding by a minute, per user. */
function expectedAlerts(input: readonly UserEvent[]): string[] {
  const windows = new Map<string, { userId: string; start: number; failed: number; purchases: number; amount: number }>();
  for (const e of input) {
    for (let start = Math.floor(e.ts / 60_000) * 60_000; start > e.ts - 600_000; start -= 60_000) {
      const id = `${e.userId}@${start}`;
      const w = windows.get(id) ?? { userId: e.userId, start, failed: 0, purchases: 0, amount: 0 };
      if (e.action === 'failed-login') w.failed++;
      if (e.action === 'purchase') {
        w.purchases++;
        w.amount += e.amount!;
      }
      windows.set(id, w);
    }
  }
  return [...windows.values()]
    .filter((w) => w.failed >= 3 && w.purchases > 0)
    .map((w) => `${w.userId}:${w.start}:${w.start + 600_000}:${w.failed}:${w.purchases}:${w.amount}`)
    .sort();
}

function alerts(view: CommittedView): string[] {
  return view.records
    .map((r) => {
      const a = JSON.parse(r.value!.toString('utf8')) as { userId: string; windowStart: number; windowEnd: number; failedLogins: number; purchases: number; amount: number };
      return `${a.userId}:${a.windowStart}:${a.windowEnd}:${a.failedLogins}:${a.purchases}:${a.amount}`;
    })
    .sort();
}

async function produce(topic: string, input: readonly UserEvent[]): Promise<void> {
  for (let i = 0; i < input.length; i += 500) {
    await topics.produce(
      topic,
      input.slice(i, i + 500).map((e) => ({ partition: partitionOf(e.userId), key: e.userId, value: JSON.stringify(e) })),
    );
  }
}

const waitForStatus = (jobId: string, what: string, condition: (s: Status) => boolean, timeoutMs?: number): Promise<Status> =>
  cluster!.waitForStatus(jobId, what, condition, timeoutMs);

describe('activity alerts example on a cluster', () => {
  it('raises every alert exactly once through kill -9 of a TaskManager', async () => {
    const input = await topics.create(PARTITIONS);
    const output = await topics.create(PARTITIONS);
    const data = events(EVENTS);
    const expected = expectedAlerts(data);
    expect(expected.length).toBeGreaterThan(20);
    cluster = await TestCluster.start({ taskManagers: 2, slots: 2 });
    const submitted = await cluster.sage(['run', job, '-p', '2', '--detached', '--', '--brokers', TEST_BROKERS.join(','), '--input', input, '--output', output, '--group', topics.group()]);
    expect(submitted.code, submitted.stderr).toBe(0);
    const jobId = /[0-9a-f]{32}/.exec(submitted.stdout)![0];
    await waitForStatus(jobId, 'RUNNING', (s) => s.state === 'RUNNING');

    await produce(input, data.slice(0, EVENTS / 2));
    const before = await waitForStatus(jobId, 'two completed checkpoints', (s) => s.state === 'RUNNING' && s.checkpoints.completed >= 2);
    await waitForStatus(jobId, 'one more checkpoint', (s) => s.checkpoints.completed > before.checkpoints.completed);
    cluster.taskManagers[1]!.child.kill('SIGKILL');
    await produce(input, data.slice(EVENTS / 2));
    // An event per partition far past the others: event time passes every window that holds real events.
    const end = data[data.length - 1]!.ts + 20 * 60_000;
    await topics.produce(
      input,
      Array.from({ length: PARTITIONS }, (_, p) => ({ partition: p, key: `end-${p}`, value: JSON.stringify({ userId: `end-${p}`, ts: end, action: 'view' }) })),
    );
    await waitForStatus(jobId, 'restarted', (s) => s.state === 'RUNNING' && s.restarts >= 1, 90_000);

    let view: CommittedView | undefined;
    await waitFor(
      async () => {
        view = await readCommitted(TEST_BROKERS, output);
        return view.records.length >= expected.length && [...view.highWatermark].every(([p, high]) => view!.lastStable.get(p) === high);
      },
      90_000,
      () => `${expected.length} committed alerts in ${output}; have ${view?.records.length}`,
    );
    expect(alerts(view!)).toEqual(expected);
    expect((await cluster.sage(['cancel', jobId])).code).toBe(0);
  }, 240_000);
});
