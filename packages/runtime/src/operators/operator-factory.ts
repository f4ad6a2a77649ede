import type { Sink, Source, StreamNode, WatermarkStrategy, WindowOperatorSpec } from '@sage/core';
import { FilterOperator, FlatMapOperator, MapOperator } from './basic-operators.js';
import { copyUserFunction } from './function-copy.js';
import { ProcessOperator } from './process-operator.js';
import { ReduceOperator } from './reduce-operator.js';
import { SinkOperator } from './sink-operator.js';
import { SourceOperator } from '../source/source-operator.js';
import { TimestampsAndWatermarksOperator } from './timestamps-operator.js';
import type { OperatorContext, StreamOperator } from './stream-operator.js';
import { createWindowOperator } from './window/create-window-operator.js';

/**
 * The operator that runs a stream node, with its own copy of the user function. Sources and sinks
 * are shared objects that create a reader or writer per subtask.
 */
export function createOperator(node: StreamNode, context: OperatorContext): StreamOperator {
  switch (node.kind) {
    case 'map':
      return new MapOperator(context, copyUserFunction(node.fn));
    case 'flatMap':
      return new FlatMapOperator(context, copyUserFunction(node.fn));
    case 'filter':
      return new FilterOperator(context, copyUserFunction(node.fn));
    case 'process':
    case 'keyedProcess':
      return new ProcessOperator(context, copyUserFunction(node.fn));
    case 'reduce':
      return new ReduceOperator(context, copyUserFunction(node.fn));
    case 'timestamps':
      return new TimestampsAndWatermarksOperator(context, node.fn as WatermarkStrategy<unknown>);
    case 'window':
      return createWindowOperator(context, copyUserFunction(node.fn as WindowOperatorSpec));
    case 'sink':
      return new SinkOperator(context, node.fn as Sink<unknown, unknown>);
    case 'source':
      return new SourceOperator(context, node.fn as Source<unknown, unknown>, node.watermarkStrategy as WatermarkStrategy<unknown> | undefined);
  }
}
