import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  BroadcastProcessFunction,
  KeyedBroadcastProcessFunction,
  MapStateDescriptor,
  StreamExecutionEnvironment,
  ValueStateDescriptor,
  type BroadcastContext,
  type Collector,
  type KeyedBroadcastContext,
  type KeyedReadOnlyBroadcastContext,
  type ReadOnlyBroadcastContext,
  type RuntimeContext,
  type ValueState,
} from '@sage/core';
import { CollectSink } from '../../testing/collect-sink.js';
import { LocalCluster } from '../../cluster/local-cluster.js';
import { FileCheckpointStorage } from '../../checkpoint/file-checkpoint-storage.js';
import { GatedSource } from '../../testing/gated-source.js';

interface Txn {
  readonly id: number;
  readonly user: string;
  readonly amount: number;
}

type Rule = { readonly kind: 'threshold'; readonly name: string; readonly min: number } | { readonly kind: 'reset' };

const rulesState = new MapStateDescriptor<string, number>('rules');
const countState = new ValueStateDescriptor<number>('count');

/** What the subtasks have done so far, for the sources' gates (the job runs in this process). */
const progress = { rules: 0, txns: 0 };

class Alerts extends KeyedBroadcastProcessFunction<string, Txn, Rule, string> {
  private count!: ValueState<number>;

  override open(ctx: RuntimeContext): void {
    this.count = ctx.getState(countState);
  }

  processElement(txn: Txn, ctx: KeyedReadOnlyBroadcastContext<string>, out: Collector<string>): void {
    this.count.update((this.count.value() ?? 0) + 1);
    for (const [name, min] of ctx.getBroadcastState(rulesState).entries()) {
      if (txn.amount >= min) out.collect(`${name}:${ctx.getCurrentKey()}:${txn.id}`);
    }
    progress.txns++;
  }

  processBroadcastElement(rule: Rule, ctx: KeyedBroadcastContext<string>, out: Collector<string>): void {
    if (rule.kind === 'reset') {
      ctx.applyToKeyedState(countState, (user, state) => {
        out.collect(`count:${user}:${state.value()}`);
        state.clear();
      });
    } else {
      ctx.getBroadcastState(rulesState).put(rule.name, rule.min);
    }
    progress.rules++;
  }
}

const thresholds: Rule[] = [
  { kind: 'threshold', name: 'big', min: 900 },
  { kind: 'threshold', name: 'huge', min: 990 },
];

function txns(count: number): Txn[] {
  let state = 3;
  const next = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32;
  return Array.from({ length: count }, (_, id) => ({ id, user: `u${Math.floor(next() * 23)}`, amount: Math.floor(next() * 1000) }));
}

function expectedOutput(list: Txn[]): string[] {
  const lines: string[] = [];
  const counts = new Map<string, number>();
  for (const t of list) {
    if (t.amount >= 900) lines.push(`big:${t.user}:${t.id}`);
    if (t.amount >= 990) lines.push(`huge:${t.user}:${t.id}`);
    counts.set(t.user, (counts.get(t.user) ?? 0) + 1);
  }
  for (const [user, count] of counts) lines.push(`count:${user}:${count}`);
  return lines.sort();
}

/**
 * Rules first; transactions once every subtask holds the rules (`txnsOpen`); a reset once every
 * transaction was seen, which reports and clears each user's count through applyToKeyedState.
 */
function alertsJob(parallelism: number, list: Txn[], sink: CollectSink<string>, txnsOpen: () => boolean, rulesEnd: () => boolean = () => true) {
  const env = new StreamExecutionEnvironment({ jobName: 'alerts', parallelism });
  const rules = env
    .fromSource(new GatedSource<Rule>(thresholds, () => true, 100, rulesEnd), { uid: 'rules' })
    .union(env.fromSource(new GatedSource<Rule>([{ kind: 'reset' }], () => progress.txns === list.length), { uid: 'reset' }));
  env
    .fromSource(new GatedSource(list, txnsOpen), { uid: 'txns' })
    .keyBy((t) => t.user)
    .connect(rules.broadcast(rulesState))
    .process(new Alerts())
    .uid('alerts')
    .sink(sink)
    .uid('out');
  return env;
}

describe('broadcast state', () => {
  beforeEach(() => {
    progress.rules = 0;
    progress.txns = 0;
  });

  it.each([1, 3])('applies broadcast rules to a keyed stream and reaches every key with applyToKeyedState, at parallelism %i', async (parallelism) => {
    const list = txns(3_000);
    const sink = new CollectSink<string>();
    const env = alertsJob(parallelism, list, sink, () => progress.rules >= thresholds.length * parallelism);
    const result = await new LocalCluster({ batchSize: 32 }).execute(env.compile()).result;
    expect(result.failure).toBeUndefined();
    expect(sink.values.sort()).toEqual(expectedOutput(list));
  });

  it('applies broadcast rules to a stream that is not keyed, read-only on that side', async () => {
    class Filter extends BroadcastProcessFunction<number, [string, number], string> {
      processElement(n: number, ctx: ReadOnlyBroadcastContext, out: Collector<string>): void {
        const rules = ctx.getBroadcastState(rulesState);
        expect(() => (rules as unknown as { put(k: string, v: number): void }).put('x', 1)).toThrow();
        for (const [name, divisor] of rules.entries()) if (n % divisor === 0) out.collect(`${name}:${n}`);
        progress.txns++;
      }
      processBroadcastElement(rule: [string, number], ctx: BroadcastContext): void {
        ctx.getBroadcastState(rulesState).put(rule[0], rule[1]);
        progress.rules++;
      }
    }
    const env = new StreamExecutionEnvironment({ parallelism: 3 });
    const sink = new CollectSink<string>();
    const numbers = Array.from({ length: 1_000 }, (_, i) => i);
    env
      .fromSource(new GatedSource(numbers, () => progress.rules === 6))
      .rebalance()
      .connect(env.fromCollection<[string, number]>([['by7', 7], ['by100', 100]]).broadcast(rulesState))
      .process(new Filter())
      .sink(sink);
    const result = await new LocalCluster({ batchSize: 16 }).execute(env.compile()).result;
    expect(result.failure).toBeUndefined();
    const expected = [...numbers.filter((n) => n % 7 === 0).map((n) => `by7:${n}`), ...numbers.filter((n) => n % 100 === 0).map((n) => `by100:${n}`)];
    expect(sink.values.sort()).toEqual(expected.sort());
  });

  describe('restored from a savepoint', () => {
    let dir: string;
    beforeEach(async () => {
      dir = await mkdtemp(join(tmpdir(), 'sage-joins-broadcast-'));
    });
    afterEach(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it.each([
      [2, 3],
      [3, 1],
    ])('gives every subtask the broadcast state, from parallelism %i to %i', async (before, after) => {
      const storage = new FileCheckpointStorage(dir);
      const list = txns(2_000);
      const sink = new CollectSink<string>();
      // First run: the rules reach every subtask, no transaction flows; then a savepoint stops it
      // (every source still running, so each takes part in the savepoint).
      const first = alertsJob(before, list, sink, () => false, () => false);
      first.enableCheckpointing(1_000);
      const execution = new LocalCluster({ batchSize: 32 }).execute(first.compile(), { checkpointStorage: storage, jobId: `broadcast-${before}-${after}` });
      await waitFor(() => progress.rules === thresholds.length * before);
      const savepoint = await execution.stopWithSavepoint();
      expect((await execution.result).state).toBe('FINISHED');
      expect(sink.values).toEqual([]);

      // Second run: the rules source has ended in the savepoint; the rules come from broadcast state.
      progress.rules = 0;
      const second = alertsJob(after, list, sink, () => true);
      second.enableCheckpointing(1_000);
      const result = await new LocalCluster({ batchSize: 32 }).execute(second.compile(), { checkpointStorage: storage, restoreFrom: savepoint }).result;
      expect(result.failure).toBeUndefined();
      expect(progress.rules).toBe(after); // only the reset arrived, once per subtask
      expect(sink.values.sort()).toEqual(expectedOutput(list));
    });
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((resolve) => setImmediate(resolve));
  }
}
