/** What both window operators share: state names, late records, errors. */
import { IllegalOperatorUsage } from '@sage/core';
import type { StreamOperator } from '../stream-operator.js';

/** Window state tables are named with this prefix; user state names should not start with it. */
export const WINDOW_STATE_PREFIX = '__window/';

/** A record too late for all its windows: to the late-data side output, or dropped and counted. */
export function lateRecord(operator: StreamOperator, lateTag: string | undefined, value: unknown, timestamp: number): void {
  if (lateTag !== undefined) operator.output.collectSide(lateTag, value, timestamp);
  else operator.context.metrics.lateRecordsDropped++;
}

export function missingTimestamp(operatorName: string): IllegalOperatorUsage {
  return new IllegalOperatorUsage(
    `Window operator '${operatorName}' received a record without a timestamp: event-time windows need ` +
      'env.fromSource(source, WatermarkStrategy...) or stream.assignTimestampsAndWatermarks(...) before them',
  );
}
