/**
 * Running totals per account, from Kafka to Kafka, exactly once.
 *
 *   sage run kafka-aggregates.ts -p 2 -- --brokers 127.0.0.1:19092
 *   sage run kafka-aggregates.ts -- --brokers kafka:9092 --input account-events --output account-totals
 *
 * Reads JSON events `{"account": "acct-7", "amount": 25}` from the input topic, keys them by account,
 * keeps a running count and total per account in keyed state and writes every updated total
 * `{"account": "acct-7", "count": 3, "total": 70}` to the output topic, keyed by account. A checkpoint
 * every second holds the source's offsets and the totals together; the sink writes one Kafka
 * transaction per checkpoint and commits it when the checkpoint completes, so a read_committed
 * consumer of the output sees each update exactly once, through crashes and restarts.
 *
 * Options (after `--`): `--brokers host:port[,host:port]` (127.0.0.1:19092), `--input` (account-events),
 * `--output` (account-totals), `--group` (sage-account-totals: where the source commits its offsets
 * for monitoring), `--delivery exactly-once|at-least-once` (exactly-once). The topics must exist:
 * `npm run -s kafka:setup` creates them.
 */
import { defineJob, InvalidJobModule, RestartStrategies } from '@sage/core';
import { KafkaSink, KafkaSource } from '@sage/connector-kafka';

export interface AccountEvent {
  readonly account: string;
  readonly amount: number;
}

export interface AccountTotal {
  readonly account: string;
  readonly count: number;
  readonly total: number;
}

export interface KafkaAggregatesOptions {
  readonly brokers: string[];
  readonly input: string;
  readonly output: string;
  readonly group: string;
  readonly delivery: 'exactly-once' | 'at-least-once';
}

const DEFAULTS: Record<string, string> = {
  brokers: '127.0.0.1:19092',
  input: 'account-events',
  output: 'account-totals',
  group: 'sage-account-totals',
  delivery: 'exactly-once',
};

/** `--name value` pairs; an unknown name or a missing value fails `sage run` before anything starts. */
export function parseOptions(args: readonly string[]): KafkaAggregatesOptions {
  const values = { ...DEFAULTS };
  for (let i = 0; i < args.length; i += 2) {
    const name = args[i]!.replace(/^--/, '');
    const value = args[i + 1];
    if (!(name in DEFAULTS) || !args[i]!.startsWith('--') || value === undefined) {
      throw new InvalidJobModule(`kafka-aggregates: cannot use '${args.slice(i, i + 2).join(' ')}': options are ${Object.keys(DEFAULTS).map((n) => `--${n} <value>`).join(', ')}`);
    }
    values[name] = value;
  }
  if (values.delivery !== 'exactly-once' && values.delivery !== 'at-least-once') {
    throw new InvalidJobModule(`kafka-aggregates: --delivery is exactly-once or at-least-once, got '${values.delivery}'`);
  }
  return {
    brokers: values.brokers!.split(',').filter((b) => b.length > 0),
    input: values.input!,
    output: values.output!,
    group: values.group!,
    delivery: values.delivery,
  };
}

export default defineJob((env, args) => {
  const options = parseOptions(args);
  env.setJobName(`Kafka aggregates: ${options.input} -> ${options.output}`);
  env.enableCheckpointing(1000);
  env.setRestartStrategy(RestartStrategies.fixedDelay({ attempts: 10, delayMs: 1000 }));
  env
    .fromSource(new KafkaSource<AccountEvent>({ brokers: options.brokers, topics: [options.input], groupId: options.group, deserializer: 'json' }), {
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
    .sink(new KafkaSink<AccountTotal>({ brokers: options.brokers, topic: options.output, keySelector: (t) => t.account, serializer: 'json', deliveryGuarantee: options.delivery }))
    .name('Sink: Account totals')
    .uid('account-totals');
});
