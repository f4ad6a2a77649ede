import type { BroadcastParams, IntervalJoinParams, Sink, Source, StreamNode, WatermarkStrategy, WindowOperatorSpec } from '@sage/core';
import { BroadcastProcessOperator } from './two-input/broadcast-process-operator.js';
import { CoFlatMapOperator, CoMapOperator } from './two-input/co-operators.js';
import { CoProcessOperator } from './two-input/co-process-operator.js';
import { IntervalJoinOperator } from './two-input/interval-join-operator.js';
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
    case 'coMap':
      return new CoMapOperator(context, copyUserFunction(node.fn));
    case 'coFlatMap':
      return new CoFlatMapOperator(context, copyUserFunction(node.fn));
    case 'coProcess':
      return new CoProcessOperator(context, copyUserFunction(node.fn));
    case 'intervalJoin':
      return new IntervalJoinOperator(context, copyUserFunction(node.fn), node.params as IntervalJoinParams);
    case 'broadcastProcess':
      return new BroadcastProcessOperator(context, copyUserFunction(node.fn), node.params as BroadcastParams);
    case 'source':
      return new SourceOperator(context, node.fn as Source<unknown, unknown>, node.watermarkStrategy as WatermarkStrategy<unknown> | undefined);
  }
}
