/** A benchmark: a name, what it measures, the goal it is held to, and how to run it once. */
export interface Measurement {
  readonly records: number;
  readonly millis: number;
}

export interface Benchmark {
  readonly name: string;
  readonly description: string;
  /** Records per second to reach, if the issues set one. */
  readonly goalRecordsPerSecond?: number;
  /** Runs made before measuring, to warm up the JIT. */
  readonly warmups: number;
  readonly runs: number;
  run(): Promise<Measurement>;
  /** Starts and stops what the runs need (processes), around all of them. */
  setUp?(): Promise<void>;
  tearDown?(): Promise<void>;
  /** What the runs measured besides records/s (checkpoint durations, recovery times), read after them. */
  figures?(): Figure[];
}

/** A measured value beyond throughput, e.g. `{ name: 'checkpoint duration, median', value: 41, unit: 'ms' }`. */
export interface Figure {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  /** The goal the issues set for it, as text (`< 5000 ms`), and whether the value meets it. */
  readonly goal?: string;
  readonly meetsGoal?: boolean;
}

/** A goal on the ratio of two benchmarks' medians, e.g. the speed-up of adding a TaskManager. */
export interface RatioGoal {
  readonly name: string;
  readonly description: string;
  readonly numerator: string;
  readonly denominator: string;
  readonly goal: number;
}

export interface RatioResult {
  readonly name: string;
  readonly description: string;
  /** Median, min and max of the per-round ratios (see measureInterleaved). */
  readonly ratio: number;
  readonly min: number;
  readonly max: number;
  readonly rounds: number;
  readonly goal: number;
  readonly meetsGoal: boolean;
}

export interface Result {
  readonly name: string;
  readonly description: string;
  /** Records of one run. */
  readonly records: number;
  readonly runs: number;
  readonly recordsPerSecond: { readonly median: number; readonly min: number; readonly max: number };
  /** Records/s of each measured run, in the order they ran. */
  readonly rates: readonly number[];
  readonly goalRecordsPerSecond: number | null;
  readonly meetsGoal: boolean | null;
  readonly figures?: readonly Figure[];
}

/**
 * Measures benchmarks whose figures are compared with each other (a RatioGoal) round by round: one
 * run of each, then the next round. On a shared machine the load drifts over a minute; run one after
 * the other, each benchmark would meet a different share of it, and the ratio would measure that.
 * Everything is set up before the first run, so what is not running waits idle.
 */
export async function measureInterleaved(benchmarks: readonly Benchmark[]): Promise<Result[]> {
  const started: Benchmark[] = [];
  try {
    for (const b of benchmarks) {
      await b.setUp?.();
      started.push(b);
    }
    const rounds = (count: (b: Benchmark) => number) => Math.max(...benchmarks.map(count));
    for (let i = 0; i < rounds((b) => b.warmups); i++) {
      for (const b of benchmarks) if (i < b.warmups) await b.run();
    }
    const rates = benchmarks.map((): number[] => []);
    const records = benchmarks.map(() => 0);
    for (let i = 0; i < rounds((b) => b.runs); i++) {
      for (const [j, b] of benchmarks.entries()) {
        if (i >= b.runs) continue;
        const m = await b.run();
        records[j] = m.records;
        rates[j]!.push((m.records * 1000) / m.millis);
      }
    }
    return benchmarks.map((b, j) => result(b, records[j]!, rates[j]!));
  } finally {
    for (const b of started) await b.tearDown?.();
  }
}

function result(benchmark: Benchmark, records: number, rates: readonly number[]): Result {
  const sorted = [...rates].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)]!;
  const goal = benchmark.goalRecordsPerSecond ?? null;
  return {
    name: benchmark.name,
    description: benchmark.description,
    records,
    runs: rates.length,
    recordsPerSecond: { median, min: sorted[0]!, max: sorted[sorted.length - 1]! },
    rates,
    goalRecordsPerSecond: goal,
    meetsGoal: goal === null ? null : median >= goal,
    ...(benchmark.figures ? { figures: benchmark.figures() } : {}),
  };
}

/**
 * The ratio goals whose two benchmarks both ran: the median of the per-round ratios, so that each
 * ratio compares two runs made a few seconds apart.
 */
export function evaluateRatios(goals: readonly RatioGoal[], results: readonly Result[]): RatioResult[] {
  const byName = new Map(results.map((r) => [r.name, r]));
  return goals.flatMap((g) => {
    const numerator = byName.get(g.numerator);
    const denominator = byName.get(g.denominator);
    if (!numerator || !denominator) return [];
    const rounds = Math.min(numerator.rates.length, denominator.rates.length);
    const ratios = Array.from({ length: rounds }, (_, i) => numerator.rates[i]! / denominator.rates[i]!).sort((a, b) => a - b);
    const ratio = ratios[Math.floor(ratios.length / 2)]!;
    return [{ name: g.name, description: g.description, ratio, min: ratios[0]!, max: ratios[ratios.length - 1]!, rounds, goal: g.goal, meetsGoal: ratio >= g.goal }];
  });
}

/** The benchmarks to measure together: those of each ratio goal whose both sides are selected. */
export function interleavedGroups(goals: readonly RatioGoal[], selected: readonly Benchmark[]): Benchmark[][] {
  const groups: Benchmark[][] = [];
  const grouped = new Set<Benchmark>();
  for (const b of selected) {
    if (grouped.has(b)) continue;
    const goal = goals.find((g) => g.numerator === b.name || g.denominator === b.name);
    const partner = goal && selected.find((o) => o !== b && (o.name === goal.numerator || o.name === goal.denominator));
    const group = partner && !grouped.has(partner) ? [b, partner] : [b];
    for (const member of group) grouped.add(member);
    groups.push(group);
  }
  return groups;
}
