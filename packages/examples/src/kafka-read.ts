/**
 * Prints a Kafka topic as a read_committed consumer sees it, then ends: records of open or aborted
 * transactions are never shown. What to check the exactly-once output of kafka-aggregates.ts with.
 *
 *   sage run kafka-read.ts -- --topic account-totals [--brokers 127.0.0.1:19092]
 *
 * Bounded: each partition is read up to where a read_committed reader stops when the job starts (its
 * last stable offset), one value per line on stdout, every partition in offset order. Run it locally
 * (no --jobmanager), so the records print in your terminal.
 */
import { defineJob, InvalidJobModule } from '@sage/core';
import { KafkaSource } from '@sage/connector-kafka';

const DEFAULTS: Record<string, string> = { brokers: '127.0.0.1:19092', topic: '' };

export default defineJob((env, args) => {
  const values = { ...DEFAULTS };
  for (let i = 0; i < args.length; i += 2) {
    const name = args[i]!.replace(/^--/, '');
    if (!(name in DEFAULTS) || !args[i]!.startsWith('--') || args[i + 1] === undefined) {
      throw new InvalidJobModule(`kafka-read: cannot use '${args.slice(i, i + 2).join(' ')}': options are --topic <name> and --brokers <host:port,...>`);
    }
    values[name] = args[i + 1]!;
  }
  if (!values.topic) throw new InvalidJobModule('kafka-read: name the topic to read with --topic <name>');
  env.setJobName(`Read ${values.topic}`);
  env
    .fromSource(
      new KafkaSource<string>({ brokers: values.brokers!.split(','), topics: [values.topic], groupId: 'sage-kafka-read', bounded: true, deserializer: 'string' }),
      { name: `Source: ${values.topic}`, uid: 'topic' },
    )
    .setParallelism(1)
    .print()
    .setParallelism(1);
});
