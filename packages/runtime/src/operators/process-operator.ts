/** ProcessFunction and KeyedProcessFunction: the record, its context and side outputs. */
import type { Collector, KeyedProcessContext, OutputTag } from '@sage/core';
import { NO_TIMESTAMP } from '../records/stream-elements.js';
import { UserFunctionOperator } from './user-function-operator.js';
import type { OperatorContext } from './stream-operator.js';

type ProcessElement = (value: unknown, ctx: KeyedProcessContext<unknown>, out: Collector<unknown>) => void;

export class ProcessOperator extends UserFunctionOperator {
  private readonly fn: ProcessElement;
  private readonly call = new ProcessCall(this);

  constructor(context: OperatorContext, userFunction: unknown) {
    super(context, userFunction);
    this.fn = this.method('processElement');
  }

  processElement(value: unknown, timestamp: number): void {
    if (this.keySelector !== null) this.setKeyOf(value);
    this.call.timestamp_ = timestamp;
    this.fn(value, this.call, this.call);
  }

  currentKey(): unknown {
    if (this.backend === null) throw new Error(`Operator '${this.context.operatorName}' is not keyed: there is no current key`);
    return this.backend.currentKey;
  }
}

/** The context and collector of every call: one object reused for all records, so a call allocates nothing. */
class ProcessCall implements KeyedProcessContext<unknown>, Collector<unknown> {
  timestamp_ = NO_TIMESTAMP;

  constructor(private readonly operator: ProcessOperator) {}

  collect(value: unknown): void {
    this.operator.output.collect(value, this.timestamp_);
  }

  timestamp(): number | undefined {
    return this.timestamp_ === NO_TIMESTAMP ? undefined : this.timestamp_;
  }

  output<X>(tag: OutputTag<X>, value: X): void {
    this.operator.output.collectSide(tag.id, value, this.timestamp_);
  }

  getCurrentKey(): unknown {
    return this.operator.currentKey();
  }
}
