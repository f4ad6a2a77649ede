/**
 * Base of the operators that run a user function: gives the function its RuntimeContext in open() and
 * closes it. User functions come as plain functions or as objects with the named method.
 */
import { IllegalOperatorUsage, type RichFunction, type RuntimeContext, type StateDescriptor, type StateFor } from '@sage/core';
import { StreamOperator, type OperatorContext } from './stream-operator.js';

export abstract class UserFunctionOperator extends StreamOperator {
  constructor(
    context: OperatorContext,
    protected readonly userFunction: unknown,
  ) {
    super(context);
  }

  override async open(): Promise<void> {
    const rich = this.userFunction as RichFunction;
    if (typeof rich === 'object' && rich !== null && typeof rich.open === 'function') {
      await rich.open(new OperatorRuntimeContext(this.context));
    }
  }

  override async close(): Promise<void> {
    const rich = this.userFunction as RichFunction;
    if (typeof rich === 'object' && rich !== null && typeof rich.close === 'function') await rich.close();
  }

  /** Like method(), for a method the function may leave out; a plain function has none. */
  protected optionalMethod<F extends (...args: any[]) => any>(name: string): F | undefined {
    const fn = this.userFunction as Record<string, unknown>;
    if (typeof fn !== 'object' || fn === null || typeof fn[name] !== 'function') return undefined;
    return (fn[name] as F).bind(fn) as F;
  }

  /** The user's method as a plain function: `fn` itself, or `fn[method]` bound to its object. */
  protected method<F extends (...args: any[]) => any>(name: string): F {
    const fn = this.userFunction as Record<string, unknown> | F;
    if (typeof fn === 'function') return fn;
    return (fn[name] as F).bind(fn) as F;
  }
}

/** The RuntimeContext a user function's open() gets. */
export class OperatorRuntimeContext implements RuntimeContext {
  readonly jobName: string;
  readonly operatorName: string;
  readonly operatorUid: string;
  readonly subtaskIndex: number;
  readonly parallelism: number;
  readonly maxParallelism: number;
  readonly attemptNumber: number;

  constructor(private readonly context: OperatorContext) {
    this.jobName = context.jobName;
    this.operatorName = context.operatorName;
    this.operatorUid = context.operatorUid;
    this.subtaskIndex = context.subtaskIndex;
    this.parallelism = context.parallelism;
    this.maxParallelism = context.maxParallelism;
    this.attemptNumber = context.attemptNumber;
  }

  getState<D extends StateDescriptor>(descriptor: D): StateFor<D> {
    const backend = this.context.keyedBackend;
    if (backend === null) {
      throw new IllegalOperatorUsage(
        `Operator '${this.operatorName}' asked for keyed state '${descriptor.name}', but its input is not keyed: call keyBy(...) before it`,
      );
    }
    return backend.getState(descriptor);
  }
}
