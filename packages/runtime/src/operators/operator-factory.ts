import type { Sink, StreamNode } from '@sage/core';
import { FilterOperator, FlatMapOperator, MapOperator } from './basic-operators.js';
import { ProcessOperator } from './process-operator.js';
import { ReduceOperator } from './reduce-operator.js';
import { SinkOperator } from './sink-operator.js';
import type { OperatorContext, StreamOperator } from './stream-operator.js';

/** The operator that runs a stream node. Sources are not operators: their task drives a SourceReader. */
export function createOperator(node: StreamNode, context: OperatorContext): StreamOperator {
  switch (node.kind) {
    case 'map':
      return new MapOperator(context, node.fn);
    case 'flatMap':
      return new FlatMapOperator(context, node.fn);
    case 'filter':
      return new FilterOperator(context, node.fn);
    case 'process':
    case 'keyedProcess':
      return new ProcessOperator(context, node.fn);
    case 'reduce':
      return new ReduceOperator(context, node.fn);
    case 'sink':
      return new SinkOperator(context, node.fn as Sink<unknown, unknown>);
    case 'source':
      throw new Error(`Source '${node.name}' is driven by its task, not run as an operator`);
  }
}
