/**
 * KafkaSink: writes a stream's records to Kafka topics at-least-once (every checkpoint waits for the
 * acknowledgement of what came before its barrier), exactly-once (a Kafka transaction per
 * checkpoint, committed when the checkpoint completes) or with no guarantee. Connections, metadata
 * and transactions are kafkajs's; at-least-once encodes its own produce requests (direct-delivery.ts,
 * produce/). The exactly-once protocol is described in transactional-delivery.ts (writing),
 * kafka-committer.ts (committing, also after a crash) and transactional-ids.ts (ids, and aborting
 * what a crashed attempt left open).
 */
import type { Committer, Sink, SinkWriter, SinkWriterContext } from '@sage/core';
import { checkConnectionInternals, checkKafkajsInternals, transactionalKafka } from '../common/kafkajs-internals.js';
import { DirectDelivery } from './direct-delivery.js';
import { forwardingLogCreator, kafkaConfig, plainKafka } from './kafka-client.js';
import { KafkaCommitter, type KafkaCommittable } from './kafka-committer.js';
import { KafkaSinkWriter } from './kafka-sink-writer.js';
import { resolveSinkOptions, type KafkaSinkOptions, type ResolvedKafkaSinkOptions } from './options.js';
import { TransactionalDelivery } from './transactional-delivery.js';
import { familyOf, fencingPlan, parseWriterStates } from './transactional-ids.js';

export class KafkaSink<T> implements Sink<T, KafkaCommittable> {
  readonly name = 'Kafka';
  private readonly options: ResolvedKafkaSinkOptions<T>;

  constructor(options: KafkaSinkOptions<T>) {
    this.options = resolveSinkOptions(options);
    // Fails at planning time, not in a task, when this kafkajs lacks an internal the sink relies on.
    if (this.options.deliveryGuarantee === 'exactly-once') checkKafkajsInternals();
    else checkConnectionInternals('produce');
  }

  createWriter(ctx: SinkWriterContext): SinkWriter<T, KafkaCommittable> {
    const options = this.options;
    const general = options as ResolvedKafkaSinkOptions<unknown>;
    const restored = ctx.restoredState === undefined ? [] : parseWriterStates(ctx.restoredState);
    const own = { prefix: options.transactionalIdPrefix, jobId: ctx.jobId, subtaskIndex: ctx.subtaskIndex, attempt: ctx.attemptNumber };
    if (options.deliveryGuarantee !== 'exactly-once') {
      const kafka = plainKafka(general, ctx.jobName);
      // Only exactly-once writers of an earlier run of this job (restored with another guarantee) left transactions.
      const fence = restored.map((state) => ({ family: state.family, fromSeq: state.nextSeq }));
      return new KafkaSinkWriter(options, kafka, new DirectDelivery(kafka, general, fence));
    }
    const client = transactionalKafka(kafkaConfig(general, ctx.jobName), forwardingLogCreator(options.client.logLevel));
    const { fence, firstSeq } = fencingPlan(own, restored);
    const identity = { family: familyOf(own), jobId: ctx.jobId, attempt: ctx.attemptNumber };
    return new KafkaSinkWriter(options, client.kafka, new TransactionalDelivery(client, general, identity, firstSeq, fence));
  }

  createCommitter(): Committer<KafkaCommittable> {
    return new KafkaCommitter(this.options as ResolvedKafkaSinkOptions<unknown>, 'kafka-committer');
  }
}
