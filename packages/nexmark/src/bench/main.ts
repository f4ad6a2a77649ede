/**
 * `pnpm bench`: runs the benchmarks and prints records per second against the goals the issues set.
 *   pnpm bench                   all of them (registry.ts lists them)
 *   pnpm bench -- --only keyed   those whose name contains "keyed" (repeat --only for more)
 *   pnpm bench -- --json         machine-readable results on stdout
 *   pnpm bench -- --list         the names, without running anything
 *   pnpm bench -- --strict       exit 1 when a benchmark that ran misses its goal (for CI)
 *   pnpm bench -- --help         these flags
 */
import { parseArgs } from 'node:util';
import { evaluateRatios, interleavedGroups, measureInterleaved, type Result } from './benchmark.js';
import { ratioGoals, registeredBenchmarks } from './registry.js';
import { header, json, machine, table } from './report.js';

const USAGE = `Usage: pnpm bench [-- [--only NAME]... [--json] [--list] [--strict]]
  --only NAME   run the benchmarks whose name contains NAME (repeat for more)
  --json        machine-readable results on stdout
  --list        the benchmarks' names and descriptions, without running anything
  --strict      exit 1 when a benchmark that ran misses its goal
`;

function parseFlags() {
  try {
    return parseArgs({
      args: process.argv.slice(2).filter((a) => a !== '--'),
      options: { only: { type: 'string', multiple: true }, json: { type: 'boolean' }, list: { type: 'boolean' }, strict: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    }).values;
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n${USAGE}`);
    process.exit(2);
  }
}

const values = parseFlags();
if (values.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}

const benchmarks = registeredBenchmarks();
if (values.list) {
  for (const b of benchmarks) process.stdout.write(`${b.name.padEnd(30)} ${b.description}\n`);
  process.exit(0);
}
const filters = values.only ?? [];
const selected = benchmarks.filter((b) => filters.length === 0 || filters.some((f) => b.name.includes(f)));
if (selected.length === 0) {
  process.stderr.write(`No benchmark matches ${filters.map((f) => `'${f}'`).join(' or ')}. Benchmarks: ${benchmarks.map((b) => b.name).join(', ')}\n`);
  process.exit(2);
}

const date = new Date();
const m = machine();
const log = (text: string) => process.stderr.write(text);
if (!values.json) process.stdout.write(header(m, date) + '\n');
const results: Result[] = [];
for (const group of interleavedGroups(ratioGoals, selected)) {
  log(`running ${group.map((b) => b.name).join(' and ')}${group.length > 1 ? ', run by run' : ''} …\n`);
  results.push(...(await measureInterleaved(group)));
}
const ratios = evaluateRatios(ratioGoals, results);
process.stdout.write(values.json ? json(m, date, results, ratios) : '\n' + table(results, ratios));
const missed = [...results, ...ratios, ...results.flatMap((r) => r.figures ?? [])].some((r) => r.meetsGoal === false);
if (values.strict && missed) process.exitCode = 1;
