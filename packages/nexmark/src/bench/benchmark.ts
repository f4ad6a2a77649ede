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
}

export interface Result {
  readonly name: string;
  readonly description: string;
  readonly records: number;
  readonly recordsPerSecond: { readonly median: number; readonly min: number; readonly max: number };
  readonly goalRecordsPerSecond: number | null;
  readonly meetsGoal: boolean | null;
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
      recordsPerSecond: { median, min: rates[0]!, max: rates[rates.length - 1]! },
      goalRecordsPerSecond: goal,
      meetsGoal: goal === null ? null : median >= goal,
    };
  } finally {
    await benchmark.tearDown?.();
  }
}
