/** connect(...).map and connect(...).flatMap: one user call per record, the method named after its input. */
import type { Collector } from '@sage/core';
import type { OperatorContext } from '../stream-operator.js';
import { TwoInputOperator } from './two-input-operator.js';

export class CoMapOperator extends TwoInputOperator {
  private readonly map1: (value: unknown) => unknown;
  private readonly map2: (value: unknown) => unknown;

  constructor(context: OperatorContext, userFunction: unknown) {
    super(context, userFunction);
    this.map1 = this.optionalMethod('map1')!;
    this.map2 = this.optionalMethod('map2')!;
  }

  processElement1(value: unknown, timestamp: number): void {
    if (this.keySelector !== null) this.setKeyOf1(value);
    this.output.collect(this.map1(value), timestamp);
  }

  processElement2(value: unknown, timestamp: number): void {
    if (this.keySelector2 !== null) this.setKeyOf2(value);
    this.output.collect(this.map2(value), timestamp);
  }
}

type FlatMap = (value: unknown, out: Collector<unknown>) => Iterable<unknown> | void;

export class CoFlatMapOperator extends TwoInputOperator implements Collector<unknown> {
  private readonly flatMap1: FlatMap;
  private readonly flatMap2: FlatMap;
  /** Timestamp of the record being processed; what the function emits inherits it. */
  private timestamp = 0;

  constructor(context: OperatorContext, userFunction: unknown) {
    super(context, userFunction);
    this.flatMap1 = this.optionalMethod('flatMap1')!;
    this.flatMap2 = this.optionalMethod('flatMap2')!;
  }

  processElement1(value: unknown, timestamp: number): void {
    if (this.keySelector !== null) this.setKeyOf1(value);
    this.timestamp = timestamp;
    this.emitAll(this.flatMap1(value, this), timestamp);
  }

  processElement2(value: unknown, timestamp: number): void {
    if (this.keySelector2 !== null) this.setKeyOf2(value);
    this.timestamp = timestamp;
    this.emitAll(this.flatMap2(value, this), timestamp);
  }

  collect(value: unknown): void {
    this.output.collect(value, this.timestamp);
  }

  private emitAll(result: Iterable<unknown> | void, timestamp: number): void {
    if (result === undefined || result === null) return;
    if (Array.isArray(result)) {
      for (let i = 0; i < result.length; i++) this.output.collect(result[i], timestamp);
    } else {
      for (const item of result) this.output.collect(item, timestamp);
    }
  }
}
