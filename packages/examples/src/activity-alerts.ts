/**
 * Alerts on suspicious account activity, from Kafka to Kafka, in event time, exactly once.
 *
 *   sage run activity-alerts.ts -p 2 -- --brokers 127.0.0.1:19092
 *
 * Reads JSON user events `{"userId": "u7", "ts": 1765152000000, "action": "failed-login"}` (actions
 * `login`, `failed-login`, `view`, and `purchase` with an `amount`) that arrive up to a few seconds
 * out of order. Over every 10 minutes of event time, sliding by a minute, it counts each user's failed
 * logins and purchases, and raises an alert `{"userId", "windowStart", "windowEnd", "failedLogins",
 * "purchases", "amount"}` when a user with at least 3 failed logins also bought something. Event time
 * is the events' `ts`; the watermark of each Kafka partition trails its highest `ts` by 5 s, so events
 * up to 5 s out of order still count, and a partition without events for 30 s stops holding the
 * others back. The windows keep one pane per minute and combine ten of them when a window fires:
 * an event is stored once, not ten times. The sink writes one Kafka transaction per checkpoint, so a
 * read_committed consumer sees every alert exactly once, through crashes and restarts.
 *
 * Options (after `--`): `--brokers` (127.0.0.1:19092), `--input` (user-events), `--output`
 * (activity-alerts), `--group` (sage-activity-alerts), `--bounded true|false` (false; true reads what
 * the input holds when the job starts, then ends, which fires every window). `npm run -s
 * activity:setup` creates the topics and writes out-of-order events.
 */
import {
  defineJob,
  InvalidJobModule,
  minutes,
  ProcessWindowFunction,
  RestartStrategies,
  seconds,
  SlidingEventTimeWindows,
  WatermarkStrategy,
  type Collector,
  type ProcessWindowContext,
  type TimeWindow,
} from '@sage/core';
import { KafkaSink, KafkaSource } from '@sage/connector-kafka';

export interface UserEvent {
  readonly userId: string;
  readonly ts: number;
  readonly action: 'login' | 'failed-login' | 'view' | 'purchase';
  readonly amount?: number;
}

export interface Alert {
  readonly userId: string;
  readonly windowStart: number;
  readonly windowEnd: number;
  readonly failedLogins: number;
  readonly purchases: number;
  readonly amount: number;
}

/** An alert needs at least this many failed logins, and a purchase, in one window. */
export const FAILED_LOGINS_THRESHOLD = 3;

/** Sees all of a user's events of one window when the window fires. */
export class SuspiciousActivity extends ProcessWindowFunction<UserEvent, Alert, string, TimeWindow> {
  process(userId: string, ctx: ProcessWindowContext<TimeWindow>, events: readonly UserEvent[], out: Collector<Alert>): void {
    let failedLogins = 0;
    let purchases = 0;
    let amount = 0;
    for (const e of events) {
      if (e.action === 'failed-login') failedLogins++;
      else if (e.action === 'purchase') {
        purchases++;
        amount += e.amount ?? 0;
      }
    }
    if (failedLogins >= FAILED_LOGINS_THRESHOLD && purchases > 0) {
      out.collect({ userId, windowStart: ctx.window.start, windowEnd: ctx.window.end, failedLogins, purchases, amount });
    }
  }
}

export interface ActivityAlertsOptions {
  readonly brokers: string[];
  readonly input: string;
  readonly output: string;
  readonly group: string;
  readonly bounded: boolean;
}

const DEFAULTS: Record<string, string> = {
  brokers: '127.0.0.1:19092',
  input: 'user-events',
  output: 'activity-alerts',
  group: 'sage-activity-alerts',
  bounded: 'false',
};

/** `--name value` pairs; an unknown name or a missing value fails `sage run` before anything starts. */
export function parseOptions(args: readonly string[]): ActivityAlertsOptions {
  const values = { ...DEFAULTS };
  for (let i = 0; i < args.length; i += 2) {
    const name = args[i]!.replace(/^--/, '');
    const value = args[i + 1];
    if (!(name in DEFAULTS) || !args[i]!.startsWith('--') || value === undefined) {
      throw new InvalidJobModule(`activity-alerts: cannot use '${args.slice(i, i + 2).join(' ')}': options are ${Object.keys(DEFAULTS).map((n) => `--${n} <value>`).join(', ')}`);
    }
    values[name] = value;
  }
  if (values.bounded !== 'true' && values.bounded !== 'false') {
    throw new InvalidJobModule(`activity-alerts: --bounded is true or false, got '${values.bounded}'`);
  }
  return {
    brokers: values.brokers!.split(',').filter((b) => b.length > 0),
    input: values.input!,
    output: values.output!,
    group: values.group!,
    bounded: values.bounded === 'true',
  };
}

export default defineJob((env, args) => {
  const options = parseOptions(args);
  env.setJobName(`Activity alerts: ${options.input} -> ${options.output}`);
  env.enableCheckpointing(1000);
  env.setRestartStrategy(RestartStrategies.fixedDelay({ attempts: 10, delayMs: 1000 }));
  env
    .fromSource(
      new KafkaSource<UserEvent>({ brokers: options.brokers, topics: [options.input], groupId: options.group, deserializer: 'json', bounded: options.bounded }),
      WatermarkStrategy.forBoundedOutOfOrderness<UserEvent>(seconds(5))
        .withTimestampAssigner((e) => e.ts)
        .withIdleness(seconds(30)),
      { name: 'Source: User events', uid: 'user-events' },
    )
    .keyBy((e) => e.userId)
    .window(SlidingEventTimeWindows.of(minutes(10), minutes(1)))
    .process(new SuspiciousActivity())
    .name('Suspicious activity')
    .uid('suspicious-activity')
    .sink(new KafkaSink<Alert>({ brokers: options.brokers, topic: options.output, keySelector: (a) => a.userId, serializer: 'json', deliveryGuarantee: 'exactly-once' }))
    .name('Sink: Activity alerts')
    .uid('activity-alerts');
});
