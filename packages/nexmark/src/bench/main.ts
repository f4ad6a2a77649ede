/**
 * `pnpm bench`: runs the benchmarks and prints records per second against the goals the issues set.
 *   pnpm bench                 all of them
 *   pnpm bench -- --only keyed  those whose name contains "keyed"
 *   pnpm bench -- --json        machine-readable results
 */
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { measure, type Benchmark, type Result } from './benchmark.js';
import { clusterShuffle } from './cluster-shuffle.js';
import { chainedPipeline, keyedReduce } from './local-pipelines.js';

const benchmarks: Benchmark[] = [
  chainedPipeline(),
  keyedReduce(1),
  keyedReduce(2),
  clusterShuffle(1, 2),
  clusterShuffle(2, 1),
];

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: { only: { type: 'string' }, json: { type: 'boolean' } },
});
const selected = benchmarks.filter((b) => values.only === undefined || b.name.includes(values.only));
if (selected.length === 0) {
  process.stderr.write(`No benchmark matches '${values.only}'. Benchmarks: ${benchmarks.map((b) => b.name).join(', ')}\n`);
  process.exit(2);
}

const machine = `node ${process.version}, ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}`;
if (!values.json) process.stdout.write(`Sage benchmarks on ${machine}\n\n`);
const results: Result[] = [];
for (const benchmark of selected) {
  const result = await measure(benchmark);
  results.push(result);
  if (!values.json) process.stdout.write(line(result) + '\n');
}

const byName = new Map(results.map((r) => [r.name, r]));
const one = byName.get('cluster/keyed-reduce-1tm-x2');
const two = byName.get('cluster/keyed-reduce-2tm-x1');
const speedup = one && two ? two.recordsPerSecond.median / one.recordsPerSecond.median : null;
if (values.json) {
  process.stdout.write(JSON.stringify({ machine, results, clusterSpeedup: speedup }, null, 2) + '\n');
} else if (speedup !== null) {
  process.stdout.write(`\ncluster: two TaskManagers give ${speedup.toFixed(2)}× one TaskManager (goal ≥ 1.6×) ${speedup >= 1.6 ? 'PASS' : 'MISS'}\n`);
}

function line(r: Result): string {
  const rate = (n: number) => `${(n / 1e6).toFixed(2)} M/s`;
  const goal = r.goalRecordsPerSecond === null ? '' : `  goal ${rate(r.goalRecordsPerSecond)} ${r.meetsGoal ? 'PASS' : 'MISS'}`;
  return `${r.name.padEnd(30)} ${rate(r.recordsPerSecond.median).padStart(11)}  (${rate(r.recordsPerSecond.min)} – ${rate(r.recordsPerSecond.max)}, ${(r.records / 1e6).toFixed(0)} M records)${goal}\n  ${r.description}`;
}
