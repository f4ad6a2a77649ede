/** Picks the window operator for a window node: slices where they apply, the general operator otherwise. */
import type { WindowOperatorSpec } from '@sage/core';
import type { OperatorContext, StreamOperator } from '../stream-operator.js';
import { SlicingWindowOperator } from './slicing-window-operator.js';
import { WindowOperator } from './window-operator.js';

export function createWindowOperator(context: OperatorContext, spec: WindowOperatorSpec): StreamOperator {
  const kind = spec.assigner.kind;
  const sliceable = (kind === 'tumbling' || kind === 'sliding') && spec.trigger === undefined && spec.evictor === undefined;
  return sliceable ? new SlicingWindowOperator(context, spec) : new WindowOperator(context, spec);
}
