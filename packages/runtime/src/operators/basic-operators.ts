/** map, filter and flatMap: one user call per record. */
import type { Collector } from '@sage/core';
import { UserFunctionOperator } from './user-function-operator.js';
import type { OperatorContext } from './stream-operator.js';

export class MapOperator extends UserFunctionOperator {
  private readonly fn: (value: unknown) => unknown;

  constructor(context: OperatorContext, userFunction: unknown) {
    super(context, userFunction);
    this.fn = this.method('map');
  }

  processElement(value: unknown, timestamp: number): void {
    if (this.keySelector !== null) this.setKeyOf(value);
    this.output.collect(this.fn(value), timestamp);
  }
}

export class FilterOperator extends UserFunctionOperator {
  private readonly fn: (value: unknown) => boolean;

  constructor(context: OperatorContext, userFunction: unknown) {
    super(context, userFunction);
    this.fn = this.method('filter');
  }

  processElement(value: unknown, timestamp: number): void {
    if (this.keySelector !== null) this.setKeyOf(value);
    if (this.fn(value)) this.output.collect(value, timestamp);
  }
}

export class FlatMapOperator extends UserFunctionOperator implements Collector<unknown> {
  private readonly fn: (value: unknown, out: Collector<unknown>) => Iterable<unknown> | void;
  /** Timestamp of the record being processed; what the function emits inherits it. */
  private timestamp = 0;

  constructor(context: OperatorContext, userFunction: unknown) {
    super(context, userFunction);
    this.fn = this.method('flatMap');
  }

  processElement(value: unknown, timestamp: number): void {
    if (this.keySelector !== null) this.setKeyOf(value);
    this.timestamp = timestamp;
    const result = this.fn(value, this);
    if (result === undefined || result === null) return;
    if (Array.isArray(result)) {
      for (let i = 0; i < result.length; i++) this.output.collect(result[i], timestamp);
    } else {
      for (const item of result) this.output.collect(item, timestamp);
    }
  }

  collect(value: unknown): void {
    this.output.collect(value, this.timestamp);
  }
}
