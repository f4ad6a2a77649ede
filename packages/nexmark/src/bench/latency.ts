/**
 * End-to-end latency (issue 10, point 6): a source, a map that costs little or ~1 s of CPU per second
 * of input, a keyBy across two TaskManager processes × 1 slot, and a sink that notes how long each
 * record took from the map after the source to it. Each load runs once on the same cluster; the
 * figures are p50 / p99 / max per load, held to p99 ≤ 2 × the buffer timeout when the pipeline keeps
 * up (a rate-limited source that falls behind its rate means an overloaded pipeline, which queues by
 * design: reported, not judged).
 */
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { JobClient, planJobFile } from '@sage/cli';
import type { Benchmark, Figure } from './benchmark.js';
import { ClusterProcesses } from './cluster-processes.js';
import { BENCH_REDIS, BenchRedisNamespace } from './redis-namespace.js';

const jobFile = fileURLToPath(new URL('../../src/bench/jobs/latency.ts', import.meta.url));
/** The TaskManager's default buffer timeout (packages/taskmanager/src/config.ts). */
const BUFFER_TIMEOUT_MS = 100;
const SECONDS = 8;

/** What each sink subtask wrote (jobs/latency.ts). */
interface SinkOutput {
  readonly latencies: number[];
  readonly firstStamp: number;
  readonly lastStamp: number;
}

interface Load {
  readonly label: string;
  /** Undefined: the source emits as fast as the map lets it (a busy task that never waits for input). */
  readonly recordsPerSecond: number | undefined;
  readonly records: number;
  /** CPU the map spends per record, µs. */
  readonly micros: number;
}

/**
 * Cheap, and ~1 s of CPU per second of input in total (1 ms a record at 1 k/s), at both rates; then
 * a source that never waits: its subtasks spend all their time in the map, and the downstream sink
 * still keeps up, so the pipeline is busy, not saturated (issue 10, point 6: seconds of latency).
 */
const LOADS: readonly Load[] = [
  { label: '1k/s cheap', recordsPerSecond: 1_000, records: 1_000 * SECONDS, micros: 0 },
  { label: '1k/s heavy (1 ms/record)', recordsPerSecond: 1_000, records: 1_000 * SECONDS, micros: 1_000 },
  { label: '20k/s cheap', recordsPerSecond: 20_000, records: 20_000 * SECONDS, micros: 0 },
  { label: '20k/s heavy (50 µs/record)', recordsPerSecond: 20_000, records: 20_000 * SECONDS, micros: 50 },
  { label: 'busy source (no rate limit, 1 ms/record)', recordsPerSecond: undefined, records: 1_000 * SECONDS, micros: 1_000 },
];

interface Measured {
  readonly load: Load;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  /** Seconds from the first record stamped to the last: longer than the load's, the source fell behind. */
  readonly emittedOver: number;
}

export function latency(): Benchmark {
  const namespace = new BenchRedisNamespace('latency');
  const jobIds: string[] = [];
  const measured: Measured[] = [];
  let cluster: ClusterProcesses | undefined;
  let client: JobClient | undefined;
  return {
    name: 'latency/keyby-2tm',
    description: `fromSequence -> map (cheap or CPU-heavy) -> keyBy -> sink, p=2 on 2 TaskManager processes × 1 slot, ${SECONDS} s of input per load; latency from the map after the source to the sink`,
    warmups: 0,
    runs: 1,
    async setUp() {
      cluster = await ClusterProcesses.start({ clusterId: namespace.clusterId, redis: BENCH_REDIS, logLevel: 'info' }, 2, 1);
      client = new JobClient(cluster.address);
    },
    async run() {
      let records = 0;
      let millis = 0;
      for (const load of LOADS) {
        const dir = mkdtempSync(join(tmpdir(), 'sage-bench-latency-'));
        try {
          const job = await planJobFile(jobFile, [String(load.recordsPerSecond ?? 0), String(load.records), String(load.micros), dir], { parallelism: 2 });
          const jobId = await client!.submit({
            jobGraph: job.jobGraph,
            artifact: job.artifact.content,
            artifactHash: job.artifact.hash,
            args: job.args,
            defaultParallelism: 2,
            maxParallelism: job.maxParallelism,
          });
          jobIds.push(jobId);
          const details = await client!.follow(jobId, () => {}, 200);
          const summary = details.summary!;
          if (summary.state !== 'FINISHED') throw new Error(`Latency job ${summary.state}: ${details.failure?.message}`);
          const outputs = readdirSync(dir).map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as SinkOutput);
          const latencies = outputs.flatMap((o) => o.latencies);
          const expected = load.records;
          if (latencies.length !== expected) throw new Error(`Latency job delivered ${latencies.length} records, expected ${expected}`);
          const emittedOver = (Math.max(...outputs.map((o) => o.lastStamp)) - Math.min(...outputs.map((o) => o.firstStamp))) / 1000;
          measured.push({ load, ...percentiles(latencies), emittedOver });
          records += expected;
          millis += Number(summary.endedAt) - Number(summary.submittedAt);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }
      return { records, millis };
    },
    async tearDown() {
      client?.close();
      await cluster?.stop();
      await namespace.clear(jobIds);
    },
    figures(): Figure[] {
      return measured.flatMap(({ load, p50, p99, max, emittedOver }) => {
        const keptUp = load.recordsPerSecond === undefined || emittedOver <= SECONDS * 1.1;
        const goal = 2 * BUFFER_TIMEOUT_MS;
        return [
          { name: `${load.label}: latency p50`, value: p50, unit: 'ms' },
          keptUp
            ? { name: `${load.label}: latency p99`, value: p99, unit: 'ms', goal: `≤ ${goal} ms`, meetsGoal: p99 <= goal }
            : { name: `${load.label}: latency p99 (saturated: ${SECONDS} s of input took ${emittedOver.toFixed(1)} s)`, value: p99, unit: 'ms' },
          { name: `${load.label}: latency max`, value: max, unit: 'ms' },
        ];
      });
    },
  };
}

function percentiles(latencies: number[]): { p50: number; p99: number; max: number } {
  const sorted = Float64Array.from(latencies).sort();
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { p50: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1]! };
}
