/**
 * Large keyed state must not stall heartbeats or records (issue 10, point 5): a keyed job at p=2 in a
 * LocalCluster keeps the latest record of each of 2 M keys (~200 MB of serialized state) with a
 * checkpoint every second to Redis. Each run is a pair, the job with and without checkpoints, in
 * alternating order (as checkpoint/keyed-100k-p2-every-1s does); throughput is measured once every key
 * has state, so the checkpoints in that window each carry all of it.
 *
 * A heartbeat-like probe runs in the same process as the tasks (a LocalCluster's tasks share one event
 * loop, as a TaskManager's do): a timer every 100 ms notes how late it fires, and
 * monitorEventLoopDelay notes the longest stall. A TaskManager heartbeats every second, so a stall of
 * a second or more is a late heartbeat.
 *
 * A checkpoint of this state takes longer than the 1 s interval, so with no pause the job is always
 * checkpointing. The `-min-pause` variant sets minPauseMs to the interval (Flink's
 * execution.checkpointing.min-pause), as a Flink user with 200 MB of state would configure.
 */
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { DiscardingSink, StreamExecutionEnvironment } from '@sage/core';
import { LocalCluster, type CheckpointStats, type CheckpointStorage, type JobExecution } from '@sage/runtime';
import type { Benchmark, Figure, Measurement } from './benchmark.js';
import { checkpointFigures, median } from './checkpoint-figures.js';
import { BenchRedisNamespace } from './redis-namespace.js';

interface Latest {
  readonly key: number;
  readonly seq: number;
  readonly payload: string;
}

const PAYLOAD_BYTES = 80;
const payloads = Array.from({ length: 1024 }, (_, i) => i.toString(36).padStart(4, '0').repeat(PAYLOAD_BYTES / 4));
const WARMUPS = 0;
const RUNS = 3;
const PROBE_MS = 100;
/** The TaskManager's heartbeat interval: a probe this late means a heartbeat would have been late. */
const HEARTBEAT_INTERVAL_MS = 1_000;
/** Issue 10, point 5. */
const GOAL_THROUGHPUT_KEPT = 0.5;

interface Run {
  /** Records and time from the moment every key had state to the end of the job. */
  readonly measurement: Measurement;
  readonly checkpoints: CheckpointStats[];
  /** Longest event-loop stall over the whole job, and probe ticks late by a heartbeat interval or more. */
  readonly maxStallMs: number;
  readonly lateHeartbeats: number;
}

interface Pair {
  readonly plain: Run;
  readonly checkpointed: Run;
}

async function runLargeStateJob(keys: number, extraPerSubtask: number, minPauseMs: number, storage: CheckpointStorage | undefined, jobId: string): Promise<Run> {
  const perSubtask = keys + extraPerSubtask;
  const env = new StreamExecutionEnvironment({ parallelism: 2, jobName: 'bench-state-stalls' });
  if (storage) env.enableCheckpointing(1000, { timeoutMs: 120_000, minPauseMs });
  env
    .fromSequence(0, 2 * perSubtask - 1)
    .map((n: number): Latest => ({ key: n % keys, seq: n, payload: payloads[n & 1023]! }))
    .keyBy((r) => r.key)
    .reduce((_, latest) => latest)
    .sink(new DiscardingSink());
  const delay = monitorEventLoopDelay({ resolution: 10 });
  let lateHeartbeats = 0;
  let maxLateMs = 0;
  let expected = performance.now() + PROBE_MS;
  const probe = setInterval(() => {
    const now = performance.now();
    const late = now - expected;
    if (late > maxLateMs) maxLateMs = late;
    if (late >= HEARTBEAT_INTERVAL_MS) lateHeartbeats++;
    expected = now + PROBE_MS;
  }, PROBE_MS);
  delay.enable();
  const checkpoints: CheckpointStats[] = [];
  const execution = new LocalCluster().execute(env.compile(), { jobId, ...(storage ? { checkpointStorage: storage } : {}) });
  try {
    const built = await whenEveryKeyHasState(execution, keys);
    execution.onCheckpointCompleted((checkpoint, stats) => {
      if (checkpoint.timestamp >= built.at) checkpoints.push(stats);
    });
    const result = await execution.result;
    const millis = performance.now() - built.at;
    if (result.state !== 'FINISHED') throw new Error(`Benchmark job ${result.state}: ${String(result.failure?.cause ?? result.failure?.message)}`);
    const records = 2 * perSubtask - built.records;
    return { measurement: { records, millis }, checkpoints, maxStallMs: Math.max(maxLateMs, delay.max / 1e6), lateHeartbeats };
  } finally {
    clearInterval(probe);
    delay.disable();
  }
}

/**
 * Resolves when every source subtask has emitted `keys` records: each subtask's numbers are
 * consecutive, so by then every key has state. `at` is in performance.now() time, like the window.
 */
function whenEveryKeyHasState(execution: JobExecution, keys: number): Promise<{ at: number; records: number }> {
  const { jobGraph } = execution;
  const isSource = (vertexId: number) => jobGraph.inputsOf(vertexId).length === 0;
  return new Promise((resolve, reject) => {
    const poll = setInterval(() => {
      const sources = execution.tasks.filter((t) => isSource(t.vertexId));
      if (sources.length > 0 && sources.every((t) => t.metrics.recordsOut >= keys)) {
        clearInterval(poll);
        resolve({ at: performance.now(), records: sources.reduce((sum, t) => sum + t.metrics.recordsOut, 0) });
      }
    }, 20);
    void execution.result.then((result) => {
      clearInterval(poll);
      reject(new Error(`The large-state job ended (${result.state}) before every key had state: ${String(result.failure?.message)}`));
    });
  });
}

export function checkpointStateStalls(minPauseMs = 0, keys = 2_000_000, extraPerSubtask = 2_500_000): Benchmark {
  const pairs: Pair[] = [];
  const namespace = new BenchRedisNamespace('state-stalls');
  const jobIds: string[] = [];
  let storage: CheckpointStorage | undefined;
  const rate = (r: Run) => (r.measurement.records * 1000) / r.measurement.millis;
  return {
    name: `checkpoint/keyed-state-200mb${minPauseMs > 0 ? '-min-pause' : ''}`,
    description:
      `latest record of each of ${keys / 1e6} M keys in keyed state (~200 MB serialized), p=2, LocalCluster, unthrottled source, a checkpoint every 1 s to Redis` +
      `${minPauseMs > 0 ? ` with at least ${minPauseMs} ms between the end of one and the start of the next (minPauseMs)` : ''}; ` +
      `records/s counted once every key has state (the last ${(2 * extraPerSubtask) / 1e6} M records), each run paired with the same job without checkpoints; ` +
      `a ${PROBE_MS} ms timer probe stands for the heartbeat (figures below)`,
    warmups: WARMUPS,
    runs: RUNS,
    async setUp() {
      storage = namespace.checkpointStorage();
    },
    async run() {
      const checkpointed = () => {
        const jobId = `state-stalls-${pairs.length}`;
        jobIds.push(jobId);
        return runLargeStateJob(keys, extraPerSubtask, minPauseMs, storage, jobId);
      };
      const plain = () => runLargeStateJob(keys, extraPerSubtask, minPauseMs, undefined, `state-stalls-plain-${pairs.length}`);
      const pair: Pair =
        pairs.length % 2 === 0 ? { plain: await plain(), checkpointed: await checkpointed() } : { checkpointed: await checkpointed(), plain: await plain() };
      pairs.push(pair);
      return pair.checkpointed.measurement;
    },
    async tearDown() {
      await storage?.close();
      await namespace.clear(jobIds);
    },
    figures(): Figure[] {
      const measured = pairs.slice(WARMUPS);
      const kept = median(measured.map((p) => rate(p.checkpointed) / rate(p.plain)));
      const stall = Math.max(...measured.map((p) => p.checkpointed.maxStallMs));
      const late = measured.reduce((sum, p) => sum + p.checkpointed.lateHeartbeats, 0);
      const checkpoints = measured.flatMap((p) => p.checkpointed.checkpoints);
      const asyncs = checkpoints.map((c) => c.maxAsyncMs);
      return [
        { name: 'records/s without checkpoints (paired runs), median', value: median(measured.map((p) => rate(p.plain))) / 1e6, unit: 'M/s' },
        { name: `records/s with checkpoints every 1 s${minPauseMs > 0 ? `, ${minPauseMs} ms min pause` : ''}, median`, value: median(measured.map((p) => rate(p.checkpointed))) / 1e6, unit: 'M/s' },
        { name: 'throughput kept while checkpointing, median of the pairs', value: kept * 100, unit: '%', goal: `≥ ${GOAL_THROUGHPUT_KEPT * 100} %`, meetsGoal: kept >= GOAL_THROUGHPUT_KEPT },
        { name: 'longest event-loop stall, with checkpoints', value: stall, unit: 'ms', goal: `< ${HEARTBEAT_INTERVAL_MS} ms`, meetsGoal: stall < HEARTBEAT_INTERVAL_MS },
        { name: 'longest event-loop stall, without checkpoints', value: Math.max(...measured.map((p) => p.plain.maxStallMs)), unit: 'ms' },
        { name: `late heartbeats (probe ≥ ${HEARTBEAT_INTERVAL_MS} ms late), with checkpoints`, value: late, unit: '', goal: '0', meetsGoal: late === 0 },
        { name: 'checkpoints completed with every key in state', value: checkpoints.length, unit: '' },
        ...checkpointFigures(checkpoints),
        { name: 'longest asynchronous part (maxAsyncMs), median', value: median(asyncs), unit: 'ms' },
      ];
    },
  };
}
