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
  readonly ratio: number;
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
  readonly goalRecordsPerSecond: number | null;
  readonly meetsGoal: boolean | null;
  readonly figures?: readonly Figure[];
}

export async function measure(benchmark: Benchmark): Promise<Result> {
  await benchmark.setUp?.();
  try {
    for (let i = 0; i < benchmark.warmups; i++) await benchmark.run();
    const rates: number[] = [];
    let records = 0;
    for (let i = 0; i < benchmark.runs; i++) {
      const m = await benchmark.run();
      records = m.records;
      rates.push((m.records * 1000) / m.millis);
    }
    rates.sort((a, b) => a - b);
    const median = rates[Math.floor(rates.length / 2)]!;
    const goal = benchmark.goalRecordsPerSecond ?? null;
    return {
      name: benchmark.name,
      description: benchmark.description,
      records,
      runs: rates.length,
      recordsPerSecond: { median, min: rates[0]!, max: rates[rates.length - 1]! },
      goalRecordsPerSecond: goal,
      meetsGoal: goal === null ? null : median >= goal,
      ...(benchmark.figures ? { figures: benchmark.figures() } : {}),
    };
  } finally {
    await benchmark.tearDown?.();
  }
}

/** The ratio goals whose two benchmarks both ran. */
export function evaluateRatios(goals: readonly RatioGoal[], results: readonly Result[]): RatioResult[] {
  const byName = new Map(results.map((r) => [r.name, r]));
  return goals.flatMap((g) => {
    const numerator = byName.get(g.numerator);
    const denominator = byName.get(g.denominator);
    if (!numerator || !denominator) return [];
    const ratio = numerator.recordsPerSecond.median / denominator.recordsPerSecond.median;
    return [{ name: g.name, description: g.description, ratio, goal: g.goal, meetsGoal: ratio >= g.goal }];
  });
}
