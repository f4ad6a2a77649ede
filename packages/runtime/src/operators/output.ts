import type { Input } from './stream-operator.js';

/**
 * Where an operator's records go: the chained operators and record writers that read its main output,
 * and those that read each side output. One class for every case keeps the call site in each operator
 * monomorphic.
 */
export class Output {
  static readonly NONE = new Output([], new Map());

  private readonly single: Input | null;
  /** Every reader of any output, once: watermarks and watermark status go to side outputs too, as in Flink. */
  private readonly all: readonly Input[];

  constructor(
    private readonly main: readonly Input[],
    private readonly sides: ReadonlyMap<string, readonly Input[]>,
  ) {
    this.single = main.length === 1 ? main[0]! : null;
    this.all = [...new Set([...main, ...[...sides.values()].flat()])];
  }

  /** Event time has reached `watermark` at this operator's output. */
  emitWatermark(watermark: number): void {
    const all = this.all;
    for (let i = 0; i < all.length; i++) all[i]!.processWatermark(watermark);
  }

  /** The operator's input went idle or active again: readers leave it out of their watermark meanwhile. */
  emitWatermarkStatus(idle: boolean): void {
    const all = this.all;
    for (let i = 0; i < all.length; i++) all[i]!.processWatermarkStatus(idle);
  }

  collect(value: unknown, timestamp: number): void {
    const single = this.single;
    if (single !== null) {
      single.processElement(value, timestamp);
      return;
    }
    const main = this.main;
    for (let i = 0; i < main.length; i++) main[i]!.processElement(value, timestamp);
  }

  collectSide(tag: string, value: unknown, timestamp: number): void {
    const targets = this.sides.get(tag);
    if (targets === undefined) return; // a side output nobody reads
    for (let i = 0; i < targets.length; i++) targets[i]!.processElement(value, timestamp);
  }
}
