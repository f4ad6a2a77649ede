// The Kafka aggregates pipeline (tests/jobs/kafka-aggregates.ts) over a bounded KafkaSource, throttled
// so it runs for seconds, for tests with fewer partitions than source subtasks. Options after `--`:
// `--brokers --input --output --group --rate <records per second per subtask>`; exactly-once output.
import { defineJob, RestartStrategies } from '@sage/core';
import { KafkaSink, KafkaSource } from '../../packages/connector-kafka/src/index.js';
import { Throttle } from './throttle.js';

interface AccountEvent {
  readonly account: string;
  readonly amount: number;
}

interface AccountTotal {
  readonly account: string;
  readonly count: number;
  readonly total: number;
}

export default defineJob((env, args) => {
  const option = (name: string) => {
    const i = args.indexOf(`--${name}`);
    if (i === -1 || args[i + 1] === undefined) throw new Error(`kafka-bounded-totals test job: --${name} <value> is required`);
    return args[i + 1]!;
  };
  const brokers = option('brokers').split(',');
  env.setJobName('Kafka bounded totals (test)');
  env.enableCheckpointing(300);
  env.setRestartStrategy(RestartStrategies.fixedDelay({ attempts: 10, delayMs: 1000 }));
  env
    // Small fetches (one record batch each; the test produces a few records per batch) and a small
    // buffer: a few records per poll, so the throttle sleeps a few milliseconds at a time.
    .fromSource(
      new KafkaSource<AccountEvent>({
        brokers,
        topics: [option('input')],
        groupId: option('group'),
        deserializer: 'json',
        bounded: true,
        maxBufferedRecords: 20,
        consumer: { maxBytesPerPartition: 1 },
      }),
      { name: 'Source: Account events', uid: 'account-events' },
    )
    .map(new Throttle<AccountEvent>(Number(option('rate'))))
    .uid('throttle')
    .map((e): AccountTotal => ({ account: e.account, count: 1, total: e.amount }))
    .name('To totals')
    .uid('to-totals')
    .keyBy((t) => t.account)
    .reduce((a, b): AccountTotal => ({ account: a.account, count: a.count + b.count, total: a.total + b.total }))
    .name('Running totals')
    .uid('running-totals')
    .sink(new KafkaSink<AccountTotal>({ brokers, topic: option('output'), keySelector: (t) => t.account, serializer: 'json', deliveryGuarantee: 'exactly-once' }))
    .name('Sink: Account totals')
    .uid('account-totals');
});
