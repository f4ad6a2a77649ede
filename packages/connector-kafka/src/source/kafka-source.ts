/**
 * KafkaSource: the records of Kafka topics, with their positions in the job's checkpoints.
 *
 * Every subtask reads the partitions `ownerOf` gives it. Its state is one position per owned
 * partition, restored with `restoreMode: 'union'`: every subtask sees every partition's position and
 * keeps those it owns at the new parallelism, which is what makes a rescaled restore read every
 * record exactly once. See the README's KafkaSource section for the whole contract.
 */
import type { Source, SourceReader, SourceReaderContext } from '@sage/core';
import { checkConnectionInternals } from '../common/kafkajs-internals.js';
import type { KafkaRawRecord } from './deserializers.js';
import { KafkaSourceReader, type KafkaSourceReaderMetrics } from './kafka-source-reader.js';
import { resolveOptions, type KafkaSourceOptions, type ResolvedKafkaSourceOptions } from './options.js';
import type { KafkaPartitionSplit } from './partition-split.js';

/** Metrics of the most recent readers kept per source instance. */
const KEPT_READER_METRICS = 256;

/**
 * `T` is what the source emits, which the options decide: `string` by default, the parsed type with
 * `deserializer: 'json'`, `Buffer` with `'raw'`, the function's result for a function (inferred);
 * `KafkaRecord<V>` of those with `withMetadata: true`; and `| DecodeFailure` with
 * `onDecodeError: 'emit'`. Write it: `new KafkaSource<Order>({ ..., deserializer: 'json' })`.
 */
export class KafkaSource<T = string> implements Source<T, KafkaPartitionSplit> {
  readonly name = 'Kafka';
  readonly boundedness: 'bounded' | 'unbounded';
  readonly restoreMode = 'union' as const;
  private readonly options: ResolvedKafkaSourceOptions;
  private readonly metrics: KafkaSourceReaderMetrics[] = [];

  constructor(options: KafkaSourceOptions & { readonly deserializer: (record: KafkaRawRecord) => T; readonly withMetadata?: false });
  constructor(options: KafkaSourceOptions);
  constructor(options: KafkaSourceOptions) {
    this.options = resolveOptions(options);
    // Fails when the job is built, not in a running task, if kafkajs lacks what the fetch path uses.
    checkConnectionInternals('fetch');
    this.boundedness = this.options.bounded ? 'bounded' : 'unbounded';
  }

  createReader(ctx: SourceReaderContext): SourceReader<T, KafkaPartitionSplit> {
    const metrics: KafkaSourceReaderMetrics = {
      subtaskIndex: ctx.subtaskIndex,
      attemptNumber: ctx.attemptNumber,
      partitions: 0,
      recordsRead: 0,
      recordsSkipped: 0,
      decodeFailures: 0,
      bufferedRecords: 0,
      peakBufferedRecords: 0,
      backpressurePauses: 0,
      pausedPartitions: 0,
      startupMs: undefined,
      groupJoins: 0,
      lastGroupJoinMs: undefined,
      commitsSucceeded: 0,
      commitsFailed: 0,
      lastCommitError: undefined,
    };
    this.metrics.push(metrics);
    if (this.metrics.length > KEPT_READER_METRICS) this.metrics.shift();
    return new KafkaSourceReader(this.options, ctx, metrics) as SourceReader<unknown, KafkaPartitionSplit> as SourceReader<T, KafkaPartitionSplit>;
  }

  /**
   * Counters of the readers this source created in this process, oldest first (a restarted job adds
   * a reader per subtask). For tests and diagnostics; a cluster's TaskManagers each see their own.
   */
  readerMetrics(): readonly Readonly<KafkaSourceReaderMetrics>[] {
    return this.metrics;
  }
}
