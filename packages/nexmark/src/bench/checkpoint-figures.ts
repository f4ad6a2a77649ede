/** Checkpoint statistics of a benchmark's runs as figures for the report. */
import type { CheckpointStats } from '@sage/runtime';
import type { Figure } from './benchmark.js';

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? NaN : sorted[Math.floor(sorted.length / 2)]!;
}

const MB = 1e6;

/** Duration is trigger to complete (all acknowledged, metadata stored); sync is the longest mailbox part of a task. */
export function checkpointFigures(stats: readonly CheckpointStats[]): Figure[] {
  const durations = stats.map((s) => s.durationMs);
  const sizes = stats.map((s) => s.stateSize / MB);
  const syncs = stats.map((s) => s.maxSyncMs);
  return [
    { name: 'checkpoint duration, median', value: median(durations), unit: 'ms' },
    { name: 'checkpoint duration, max', value: Math.max(...durations), unit: 'ms' },
    { name: 'checkpoint size, median', value: median(sizes), unit: 'MB' },
    { name: 'checkpoint size, max', value: Math.max(...sizes), unit: 'MB' },
    { name: 'longest synchronous part (maxSyncMs), median', value: median(syncs), unit: 'ms' },
    { name: 'longest synchronous part (maxSyncMs), max', value: Math.max(...syncs), unit: 'ms' },
  ];
}
