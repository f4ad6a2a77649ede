/** Keyed reduce: keeps the running reduction per key and emits it for every record. */
import { ValueStateDescriptor, type ValueState } from '@sage/core';
import { UserFunctionOperator } from './user-function-operator.js';
import type { OperatorContext } from './stream-operator.js';

export class ReduceOperator extends UserFunctionOperator {
  private readonly fn: (accumulated: unknown, value: unknown) => unknown;
  private state!: ValueState<unknown>;

  constructor(context: OperatorContext, userFunction: unknown) {
    super(context, userFunction);
    this.fn = this.method('reduce');
  }

  override async open(): Promise<void> {
    // Flink names the reduce operator's state the same way; a savepoint can be matched by it.
    this.state = this.backend!.getState(new ValueStateDescriptor<unknown>('_op_state'));
    await super.open();
  }

  processElement(value: unknown, timestamp: number): void {
    this.setKeyOf(value);
    const current = this.state.value();
    const next = current === undefined ? value : this.fn(current, value);
    this.state.update(next);
    this.output.collect(next, timestamp);
  }
}
