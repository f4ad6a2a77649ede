/**
 * What a window operator runs: the planner's description of `window(...).trigger(...).reduce(...)`,
 * kept on the stream node and read by the runtime's window operators.
 */
import type { AggregateFunction } from '../state/descriptors.js';
import type { Evictor } from './evictors.js';
import type { WindowAssigner } from './assigners.js';
import type { Trigger } from './triggers.js';
import type { Window } from './windows.js';

export type WindowFunctionSpec =
  | { readonly kind: 'reduce'; readonly reduce: unknown; readonly window: unknown }
  | { readonly kind: 'aggregate'; readonly aggregate: AggregateFunction<unknown, unknown, unknown>; readonly window: unknown }
  | { readonly kind: 'process'; readonly window: unknown };

export interface WindowOperatorSpec {
  readonly assigner: WindowAssigner<unknown, Window>;
  /** Undefined: the assigner's default trigger, which the runtime runs without calling an object. */
  readonly trigger: Trigger<unknown, Window> | undefined;
  readonly evictor: Evictor<unknown, Window> | undefined;
  readonly allowedLateness: number;
  /** The id of the OutputTag late records go to; undefined: they are dropped. */
  readonly lateDataTag: string | undefined;
  readonly function: WindowFunctionSpec;
  /** windowAll(): the window function takes no key. */
  readonly allWindows: boolean;
}

/**
 * The code and settings behind a window operator, for the job's fingerprint: a changed window
 * function, trigger or size changes it. Functions count by their source text, objects by their class
 * and fields.
 */
export function windowSpecSignature(spec: WindowOperatorSpec): string {
  return describeForSignature(spec, new Set());
}

function describeForSignature(value: unknown, seen: Set<object>): string {
  if (typeof value === 'function') return value.toString();
  if (value === null || typeof value !== 'object') return String(value);
  if (seen.has(value)) return '[cycle]';
  seen.add(value);
  const ctor = (value as object).constructor as { name?: string } | undefined;
  const fields = Object.keys(value)
    .sort()
    .map((k) => `${k}=${describeForSignature((value as Record<string, unknown>)[k], seen)}`);
  const methods = ctor && ctor !== Object ? String(ctor) : '';
  return `${ctor?.name ?? 'Object'}{${methods}${fields.join(',')}}`;
}
