// The pipeline of packages/examples/src/kafka-aggregates.ts for the cluster tests, with the same
// options after `--` (`--brokers --input --output --group --delivery`). The connector is imported
// from its sources: the CLI's bundler resolves `@sage/*` from the CLI's own dependencies, which do
// not include @sage/connector-kafka yet. Keep the two pipelines the same.
import { defineJob, RestartStrategies } from '@sage/core';
import { KafkaSink, KafkaSource } from '../../packages/connector-kafka/src/index.js';

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
    if (i === -1 || args[i + 1] === undefined) throw new Error(`kafka-aggregates test job: --${name} <value> is required`);
    return args[i + 1]!;
  };
  const brokers = option('brokers').split(',');
  const delivery = option('delivery') as 'exactly-once' | 'at-least-once';
  env.setJobName('Kafka aggregates (test)');
  env.enableCheckpointing(1000);
  env.setRestartStrategy(RestartStrategies.fixedDelay({ attempts: 10, delayMs: 1000 }));
  env
    .fromSource(new KafkaSource<AccountEvent>({ brokers, topics: [option('input')], groupId: option('group'), deserializer: 'json' }), {
      name: 'Source: Account events',
      uid: 'account-events',
    })
    .map((e): AccountTotal => ({ account: e.account, count: 1, total: e.amount }))
    .name('To totals')
    .uid('to-totals')
    .keyBy((t) => t.account)
    .reduce((a, b): AccountTotal => ({ account: a.account, count: a.count + b.count, total: a.total + b.total }))
    .name('Running totals')
    .uid('running-totals')
    .sink(new KafkaSink<AccountTotal>({ brokers, topic: option('output'), keySelector: (t) => t.account, serializer: 'json', deliveryGuarantee: delivery }))
    .name('Sink: Account totals')
    .uid('account-totals');
});
