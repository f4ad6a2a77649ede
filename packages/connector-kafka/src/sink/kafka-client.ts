/**
 * The kafkajs client settings of a KafkaSink's writers and committers: brokers, TLS, SASL, bounded
 * timeouts and retries (so that an unreachable broker fails a task in seconds, not never), and
 * kafkajs's own log output at the level the user chose.
 */
import { Kafka, logLevel, type KafkaConfig, type LogEntry, type logCreator } from 'kafkajs';
import type { ResolvedClientOptions, ResolvedKafkaSinkOptions } from './options.js';

const LEVELS: Record<ResolvedClientOptions['logLevel'], number> = {
  nothing: logLevel.NOTHING,
  error: logLevel.ERROR,
  warn: logLevel.WARN,
  info: logLevel.INFO,
  debug: logLevel.DEBUG,
};

export function kafkaConfig(options: ResolvedKafkaSinkOptions<unknown>, jobName: string): Omit<KafkaConfig, 'logLevel' | 'logCreator'> {
  const { client } = options;
  return {
    brokers: [...options.brokers],
    clientId: options.clientId ?? `sage-${jobName}`.replace(/[^A-Za-z0-9._-]/g, '-'),
    connectionTimeout: client.connectionTimeoutMs,
    requestTimeout: client.requestTimeoutMs,
    retry: { retries: client.retries, initialRetryTime: 100, maxRetryTime: 1000 },
    ...(client.ssl !== undefined ? { ssl: client.ssl } : {}),
    ...(client.sasl !== undefined ? { sasl: client.sasl } : {}),
  };
}

/** A plain kafkajs client (no exactly-once bookkeeping). */
export function plainKafka(options: ResolvedKafkaSinkOptions<unknown>, jobName: string): Kafka {
  return new Kafka({ ...kafkaConfig(options, jobName), logLevel: LEVELS[options.client.logLevel], logCreator: forwardingLogCreator(options.client.logLevel) });
}

/** Writes kafkajs entries at or above `level` to the console, as kafkajs's default logger would. */
export function forwardingLogCreator(level: ResolvedClientOptions['logLevel']): logCreator {
  const threshold = LEVELS[level];
  return () =>
    ({ namespace, level: entryLevel, label, log }: LogEntry) => {
      if (entryLevel > threshold) return;
      const { message, timestamp: _timestamp, logger: _logger, ...extra } = log as LogEntry['log'] & { timestamp?: string; logger?: string };
      const line = `[kafkajs] ${label} ${namespace}: ${message} ${JSON.stringify(extra)}`;
      if (entryLevel === logLevel.ERROR) console.error(line);
      else if (entryLevel === logLevel.WARN) console.warn(line);
      else console.info(line);
    };
}
