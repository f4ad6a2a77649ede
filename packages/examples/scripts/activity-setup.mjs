#!/usr/bin/env node
// Creates the topics of src/activity-alerts.ts and writes out-of-order user events to the input topic.
//   npm run -s activity:setup -- [--brokers 127.0.0.1:19092] [--input user-events] [--output activity-alerts]
//     [--partitions 4] [--events 20000] [--users 50] [--seed 1] [--disorder-ms 4000]
// Events are {"userId": "u<n>", "ts": <ms>, "action": "login"|"failed-login"|"view"|"purchase", "amount"?},
// keyed by userId, 100 ms of event time apart starting an hour ago, each pushed back by up to
// --disorder-ms (below the job's 5 s bound, so none is late). The same seed writes the same events.
// It prints how many alerts the job raises over them once every window has fired (on topics that were
// empty before; run the job with `--bounded true` to fire them all, or keep writing newer events).
import { Kafka, logLevel } from 'kafkajs';

const options = {
  brokers: '127.0.0.1:19092',
  input: 'user-events',
  output: 'activity-alerts',
  partitions: '4',
  events: '20000',
  users: '50',
  seed: '1',
  'disorder-ms': '4000',
};
const args = process.argv.slice(2).filter((a) => a !== '--');
for (let i = 0; i < args.length; i += 2) {
  const name = args[i].replace(/^--/, '');
  if (!(name in options) || args[i + 1] === undefined) {
    console.error(`activity-setup: cannot use '${args.slice(i, i + 2).join(' ')}': options are ${Object.keys(options).map((n) => `--${n}`).join(', ')}`);
    process.exit(2);
  }
  options[name] = args[i + 1];
}

let state = Number(options.seed) >>> 0;
const random = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32;
const count = Number(options.events);
const start = Math.floor((Date.now() - 3_600_000) / 60_000) * 60_000;
const events = [];
for (let i = 0; i < count; i++) {
  const r = random();
  const action = r < 0.08 ? 'failed-login' : r < 0.14 ? 'purchase' : r < 0.34 ? 'login' : 'view';
  const event = { userId: `u${Math.floor(random() * Number(options.users))}`, ts: start + i * 100 - Math.floor(random() * Number(options['disorder-ms'])), action };
  if (action === 'purchase') event.amount = 1 + Math.floor(random() * 200);
  events.push(event);
}

const kafka = new Kafka({ clientId: 'sage-activity-setup', brokers: options.brokers.split(','), logLevel: logLevel.NOTHING });
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

if (count > 0) {
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    for (let i = 0; i < events.length; i += 1000) {
      const messages = events.slice(i, i + 1000).map((e) => ({ key: e.userId, value: JSON.stringify(e) }));
      await producer.send({ topic: options.input, acks: -1, messages });
    }
  } finally {
    await producer.disconnect();
  }
  console.log(`wrote ${count} events to ${options.input}; the job raises ${alerts(events)} alerts over them once every window has fired`);
}

/** Windows of 10 minutes sliding by 1: per user and window, at least 3 failed logins and a purchase. */
function alerts(all) {
  const perWindow = new Map();
  for (const e of all) {
    const last = Math.floor(e.ts / 60_000) * 60_000;
    for (let w = last; w > e.ts - 600_000; w -= 60_000) {
      const id = `${e.userId}@${w}`;
      const c = perWindow.get(id) ?? { failed: 0, purchases: 0 };
      if (e.action === 'failed-login') c.failed++;
      if (e.action === 'purchase') c.purchases++;
      perWindow.set(id, c);
    }
  }
  return [...perWindow.values()].filter((c) => c.failed >= 3 && c.purchases > 0).length;
}
