/**
 * State TTL in a running job, on the backend's default clock (processing time): a keyed count per
 * user that starts again once the user was inactive for longer than the TTL.
 */
import { describe, expect, it } from 'vitest';
import {
  KeyedProcessFunction,
  StateTtlConfig,
  StreamExecutionEnvironment,
  ValueStateDescriptor,
  type Collector,
  type InputStatus,
  type KeyedProcessContext,
  type ReaderOutput,
  type RuntimeContext,
  type Source,
  type SourceReader,
  type ValueState,
} from '@sage/core';
import { LocalCluster } from '../cluster/local-cluster.js';
import { CollectSink } from '../testing/collect-sink.js';

const TTL_MS = 1_000;

/**
 * What the subtasks of the counting function did, shared through this module because each subtask
 * gets its own copy of the function object. The source reads it to know when to go on.
 */
const progress = { processed: 0, lastWriteAt: 0 };

class SessionCount extends KeyedProcessFunction<string, string, [string, number]> {
  private count!: ValueState<number>;

  override open(ctx: RuntimeContext): void {
    const descriptor = new ValueStateDescriptor<number>('count', 0);
    descriptor.enableTimeToLive(StateTtlConfig.newBuilder(TTL_MS).cleanupFullSnapshot().cleanupIncrementally(10, false).build());
    this.count = ctx.getState(descriptor);
  }

  processElement(user: string, ctx: KeyedProcessContext<string>, out: Collector<[string, number]>): void {
    const count = this.count.value()! + 1;
    this.count.update(count);
    progress.lastWriteAt = Math.max(progress.lastWriteAt, Date.now());
    progress.processed++;
    out.collect([ctx.getCurrentKey(), count]);
  }
}

/**
 * Emits the first batch of users, then waits until every one of them was counted and the TTL has
 * passed since the last count, then emits the second batch.
 */
class TwoBatchSource implements Source<string, number> {
  readonly name = 'TwoBatches';
  readonly boundedness = 'bounded' as const;
  readonly nonParallel = true;

  constructor(
    private readonly first: readonly string[],
    private readonly second: readonly string[],
  ) {}

  createReader(): SourceReader<string, number> {
    const { first, second } = this;
    let batch = 0;
    return {
      async start() {},
      pollNext(output: ReaderOutput<string>): InputStatus {
        if (batch === 2) return 'end';
        if (batch === 1 && !(progress.processed === first.length && Date.now() >= progress.lastWriteAt + TTL_MS)) return 'nothing';
        for (const user of batch === 0 ? first : second) output.collect(user);
        batch++;
        return batch === 2 ? 'end' : 'nothing';
      },
      isAvailable: () =>
        new Promise<void>((resolve) => {
          const check = () => {
            if (progress.processed === first.length && Date.now() >= progress.lastWriteAt + TTL_MS) resolve();
            else setTimeout(check, 20);
          };
          check();
        }),
      snapshotState: () => [batch],
      async close() {},
    };
  }
}

describe('state TTL in a job', () => {
  it('counts each user again from 1 after the user was inactive for longer than the TTL', async () => {
    progress.processed = 0;
    progress.lastWriteAt = 0;
    const env = new StreamExecutionEnvironment({ parallelism: 2 });
    const sink = new CollectSink<[string, number]>();
    env
      .fromSource(new TwoBatchSource(['ann', 'bob', 'ann', 'cat', 'ann', 'bob'], ['ann', 'cat', 'ann', 'dan']))
      .keyBy((user) => user)
      .process(new SessionCount())
      .sink(sink);
    const result = await new LocalCluster().execute(env.compile()).result;
    if (result.failure) throw result.failure;

    const byUser: Record<string, number[]> = {};
    for (const [user, count] of sink.values) (byUser[user] ??= []).push(count);
    expect(byUser).toEqual({
      ann: [1, 2, 3, 1, 2],
      bob: [1, 2],
      cat: [1, 1],
      dan: [1],
    });
  });
});
