#!/usr/bin/env node
// Creates the topics of src/kafka-aggregates.ts (the brokers never create topics themselves) and
// optionally writes sample account events to the input topic.
//   npm run -s kafka:setup -- [--brokers 127.0.0.1:19092] [--input account-events]
//     [--output account-totals] [--partitions 4] [--events 1000] [--accounts 10]
// Topics that exist already are left as they are. Events are {"account": "acct-<n>", "amount": <1..100>},
// keyed by account, so each account's events stay in order on one partition. After writing, it prints
// each account's count and total over the events it wrote, one JSON line per account, in the form
// kafka-aggregates.ts writes them: on an input topic that was empty before, the last total the job
// writes for each account.
import { Kafka, logLevel } from 'kafkajs';

const options = { brokers: '127.0.0.1:19092', input: 'account-events', output: 'account-totals', partitions: '4', events: '0', accounts: '10' };
const args = process.argv.slice(2).filter((a) => a !== '--');
for (let i = 0; i < args.length; i += 2) {
  const name = args[i].replace(/^--/, '');
  if (!(name in options) || args[i + 1] === undefined) {
    console.error(`kafka-setup: cannot use '${args.slice(i, i + 2).join(' ')}': options are ${Object.keys(options).map((n) => `--${n}`).join(', ')}`);
    process.exit(2);
  }
  options[name] = args[i + 1];
}

const kafka = new Kafka({ clientId: 'sage-examples-setup', brokers: options.brokers.split(','), logLevel: logLevel.NOTHING });
const admin = kafka.admin();
await admin.connect();
try {
  const existing = new Set(await admin.listTopics());
  const missing = [options.input, options.output].filter((t) => !existing.has(t));
  if (missing.length > 0) {
    await admin.createTopics({ topics: missing.map((topic) => ({ topic, numPartitions: Number(options.partitions), replicationFactor: 1 })), waitForLeaders: true });
  }
  console.log(`topics: ${[options.input, options.output].map((t) => `${t}${missing.includes(t) ? ' (created)' : ' (exists)'}`).join(', ')}`);
} finally {
  await admin.disconnect();
}

const events = Number(options.events);
if (events > 0) {
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    const totals = new Map();
    for (let i = 0; i < events; i += 1000) {
      const messages = [];
      for (let n = i; n < Math.min(events, i + 1000); n++) {
        const account = `acct-${n % Number(options.accounts)}`;
        const amount = 1 + Math.floor(Math.random() * 100);
        const total = totals.get(account) ?? { account, count: 0, total: 0 };
        totals.set(account, { account, count: total.count + 1, total: total.total + amount });
        messages.push({ key: account, value: JSON.stringify({ account, amount }) });
      }
      await producer.send({ topic: options.input, acks: -1, messages });
    }
    console.log(`wrote ${events} events to ${options.input}; their totals per account (the job's last total per account, if ${options.input} was empty before):`);
    const byNumber = (a, b) => Number(a.account.slice(5)) - Number(b.account.slice(5));
    for (const total of [...totals.values()].sort(byNumber)) console.log(JSON.stringify(total));
  } finally {
    await producer.disconnect();
  }
}
