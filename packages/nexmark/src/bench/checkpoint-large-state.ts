/**
 * A checkpoint of 100 MB of keyed state (issue 4, point 10: complete in under 5 s). A keyed job at p=2
 * in a LocalCluster keeps the latest record of each of 1M keys (about 120 bytes of serialized state a
 * key) with a checkpoint every second to Redis; once every key has state, the checkpoints that follow
 * are the ones measured. The job is cancelled after them.
 *
 * A LocalCluster runs both reduce subtasks on one JavaScript thread, so their halves of the state are
 * serialized one after the other; on two TaskManagers each would use its own core.
 */
import { performance } from 'node:perf_hooks';
import { DiscardingSink, StreamExecutionEnvironment } from '@sage/core';
import { LocalCluster, type CheckpointStats, type JobExecution } from '@sage/runtime';
import type { Benchmark, Figure } from './benchmark.js';
import { checkpointFigures } from './checkpoint-figures.js';
import { BenchRedisNamespace } from './redis-namespace.js';

interface Latest {
  readonly key: number;
  readonly seq: number;
  readonly payload: string;
}

const PAYLOAD_BYTES = 80;
/** Issue 4, point 10: a checkpoint of 100 MB of keyed state completes in under 5 s. */
const GOAL_MS = 5_000;
/** Payload strings shared by the keys: the heap holds each once, a snapshot writes it out for every key. */
const payloads = Array.from({ length: 1024 }, (_, i) => i.toString(36).padStart(4, '0').repeat(PAYLOAD_BYTES / 4));

export function checkpointLargeState(keys = 1_000_000, checkpoints = 3, recordsPerSecond = 1_000_000): Benchmark {
  const namespace = new BenchRedisNamespace('large-state');
  const jobIds: string[] = [];
  const measured: CheckpointStats[] = [];
  let stateBuiltMs = NaN;
  return {
    name: 'checkpoint/keyed-state-100mb',
    description: `latest record of each of ${keys / 1e6} M keys in keyed state (~120 B serialized each), p=2, LocalCluster, source capped at ${recordsPerSecond / 1e6} M records/s, a checkpoint every 1 s to Redis; the ${checkpoints} triggered after every key has state are measured (one run)`,
    warmups: 0,
    runs: 1,
    async run() {
      const env = new StreamExecutionEnvironment({ parallelism: 2, jobName: 'bench-large-state' });
      env.enableCheckpointing(1000, { timeoutMs: 60_000 });
      env
        .fromSequence(0, Number.MAX_SAFE_INTEGER - 1, { recordsPerSecond })
        .map((n: number): Latest => ({ key: n % keys, seq: n, payload: payloads[n & 1023]! }))
        .keyBy((r) => r.key)
        .reduce((_, latest) => latest)
        .sink(new DiscardingSink());
      const storage = namespace.checkpointStorage();
      const jobId = `large-state-${jobIds.length}`;
      jobIds.push(jobId);
      const started = performance.now();
      const execution = new LocalCluster().execute(env.compile(), { jobId, checkpointStorage: storage });
      try {
        await measureCheckpoints(execution, keys, checkpoints, measured, () => (stateBuiltMs = performance.now() - started));
      } finally {
        execution.cancel();
        await execution.result;
        await storage.close();
      }
      const records = execution.progress().find((v) => v.name.includes('Reduce'))?.recordsIn ?? 0;
      return { records, millis: performance.now() - started };
    },
    async tearDown() {
      await namespace.clear(jobIds);
    },
    figures(): Figure[] {
      const slowest = Math.max(...measured.map((c) => c.durationMs));
      const largest = Math.max(...measured.map((c) => c.stateSize));
      return [
        { name: 'checkpoints measured', value: measured.length, unit: '' },
        { name: 'time until every key had state', value: stateBuiltMs, unit: 'ms' },
        { name: 'slowest measured checkpoint', value: slowest, unit: 'ms', goal: `< ${GOAL_MS} ms`, meetsGoal: slowest < GOAL_MS },
        { name: 'largest measured checkpoint', value: largest / 1e6, unit: 'MB', goal: '≥ 100 MB', meetsGoal: largest >= 100e6 },
        ...checkpointFigures(measured),
      ];
    },
  };
}

/**
 * Waits for `count` checkpoints triggered after every source subtask has emitted `keys` records: each
 * subtask's numbers are consecutive, so by then every key has state (a checkpoint triggered before may
 * hold part of it only).
 */
function measureCheckpoints(execution: JobExecution, keys: number, count: number, into: CheckpointStats[], onStateBuilt: () => void): Promise<void> {
  const { jobGraph } = execution;
  const isSource = (vertexId: number) => jobGraph.inputsOf(vertexId).length === 0;
  return new Promise((resolve, reject) => {
    let builtAt = Infinity;
    const poll = setInterval(() => {
      const sources = execution.tasks.filter((t) => isSource(t.vertexId));
      if (sources.length > 0 && sources.every((t) => t.metrics.recordsOut >= keys)) {
        builtAt = Date.now();
        onStateBuilt();
        clearInterval(poll);
      }
    }, 20);
    execution.onCheckpointCompleted((checkpoint, stats) => {
      if (checkpoint.timestamp < builtAt || into.length >= count) return;
      into.push(stats);
      if (into.length === count) resolve();
    });
    void execution.result.then((result) => {
      clearInterval(poll);
      reject(new Error(`The large-state job ended (${result.state}) before ${count} checkpoints were measured: ${String(result.failure?.message)}`));
    });
  });
}
