/** How `pnpm bench` shows its results: a table for people, JSON for scripts. */
import { cpus, platform, release } from 'node:os';
import type { Figure, RatioResult, Result } from './benchmark.js';

export interface Machine {
  readonly node: string;
  readonly cpu: string;
  readonly cores: number;
  readonly os: string;
}

export function machine(): Machine {
  const cores = cpus();
  return { node: process.version, cpu: cores[0]?.model.trim() ?? 'unknown CPU', cores: cores.length, os: `${platform()} ${release()}` };
}

export function header(m: Machine, date: Date): string {
  return `Sage benchmarks, ${date.toISOString().slice(0, 10)}: node ${m.node}, ${m.cores} × ${m.cpu}, ${m.os}\n`;
}

const rate = (n: number) => `${(n / 1e6).toFixed(2)} M/s`;
const count = (n: number) => (n >= 1e6 ? `${(n / 1e6).toFixed(n % 1e6 === 0 ? 0 : 1)} M` : String(n));
const mark = (pass: boolean | null) => (pass === null ? '' : pass ? 'PASS' : 'FAIL');

export function table(results: readonly Result[], ratios: readonly RatioResult[]): string {
  const rows: string[][] = [['benchmark', 'records/run', 'runs', 'median', 'min', 'max', 'goal', 'met']];
  for (const r of results) {
    rows.push([
      r.name,
      count(r.records),
      String(r.runs),
      rate(r.recordsPerSecond.median),
      rate(r.recordsPerSecond.min),
      rate(r.recordsPerSecond.max),
      r.goalRecordsPerSecond === null ? '-' : `≥ ${rate(r.goalRecordsPerSecond)}`,
      mark(r.meetsGoal),
    ]);
  }
  for (const r of ratios) rows.push([r.name, '', String(r.rounds), `${r.ratio.toFixed(2)}×`, `${r.min.toFixed(2)}×`, `${r.max.toFixed(2)}×`, `≥ ${r.goal.toFixed(2)}×`, mark(r.meetsGoal)]);
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
  const line = (row: string[]) =>
    row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ').trimEnd();
  const out = [line(rows[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)];
  out.push('', 'median, min and max of the measured runs (after warm-up runs); records/s through the whole job.');
  if (ratios.length > 0) out.push('ratios: both benchmarks run in turns, one run each per round; median, min and max of the per-round ratios.');
  for (const r of [...results, ...ratios]) out.push(`  ${r.name}: ${r.description}`);
  for (const r of results) if (r.figures?.length) out.push('', `${r.name}:`, ...r.figures.map(figureLine));
  return out.join('\n') + '\n';
}

const figure = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(Math.abs(n) >= 100 ? 0 : Math.abs(n) >= 10 ? 1 : 2));
const figureLine = (f: Figure) =>
  `  ${f.name}: ${figure(f.value)}${f.unit === '' ? '' : ` ${f.unit}`}${f.goal === undefined ? '' : `  (goal ${f.goal}: ${mark(f.meetsGoal ?? null)})`}`;

export function json(m: Machine, date: Date, results: readonly Result[], ratios: readonly RatioResult[]): string {
  return JSON.stringify({ date: date.toISOString(), machine: m, results, ratios }, null, 2) + '\n';
}
