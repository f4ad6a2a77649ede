/**
 * The records of one send as kafkajs messages, for the exactly-once delivery, which sends them through
 * a kafkajs transaction.
 */
import type { Message, TopicMessages } from 'kafkajs';
import type { OutgoingBatch } from './delivery.js';
import type { RecordHeaders } from './produce/record-batch-builder.js';

/** Bytes a record costs beyond key, value and headers in a record batch, roughly. */
const RECORD_OVERHEAD = 24;
/** Keeps every partition's record batch under the broker's default message.max.bytes. */
const MAX_BATCH_BYTES = 512 * 1024;
/**
 * kafkajs groups a request's messages by partition in time quadratic in their number
 * (producer/groupMessagesPerPartition.js copies the list per message): past about a thousand
 * records a request costs more per record, not less (measured: 500 records 87k/s, 1000 98k/s,
 * 5000 85k/s, 10000 79k/s with bare kafkajs on one connection to the local broker).
 */
const MAX_BATCH_RECORDS = 1000;

export class MessageBatch implements OutgoingBatch {
  private readonly byTopic = new Map<string, Message[]>();
  bytes = 0;
  private count = 0;

  get isEmpty(): boolean {
    return this.count === 0;
  }

  get isFull(): boolean {
    return this.bytes >= MAX_BATCH_BYTES || this.count >= MAX_BATCH_RECORDS;
  }

  topics(): string[] {
    return [...this.byTopic.keys()];
  }

  add(topic: string, key: string | Buffer | null, value: string | Buffer | null, headers: RecordHeaders | undefined, timestamp: number | undefined): number {
    const message: Message = { key, value };
    let bytes = RECORD_OVERHEAD + (value === null ? 0 : value.length) + (key === null ? 0 : key.length);
    if (headers !== undefined) {
      message.headers = headers as Message['headers'];
      bytes += headerBytes(headers);
    }
    if (timestamp !== undefined) message.timestamp = String(timestamp);
    const messages = this.byTopic.get(topic);
    if (messages === undefined) this.byTopic.set(topic, [message]);
    else messages.push(message);
    this.bytes += bytes;
    this.count++;
    return bytes;
  }

  topicMessages(): TopicMessages[] {
    return [...this.byTopic].map(([topic, messages]) => ({ topic, messages }));
  }
}

function headerBytes(headers: RecordHeaders): number {
  let bytes = 0;
  for (const name in headers) {
    const value = headers[name];
    bytes += name.length + 2 + (value === null || value === undefined ? 0 : Array.isArray(value) ? value.reduce((n: number, v: string | Buffer) => n + v.length, 0) : (value as string | Buffer).length);
  }
  return bytes;
}
