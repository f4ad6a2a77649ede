// The Kafka benchmark job: `-- <brokers> <input topic> <output topic> <group> <at-least-once|exactly-once>`;
// a bounded KafkaSource of JSON bids -> Nexmark q1's euro price -> KafkaSink, a checkpoint every second.
import { defineJob } from '@sage/core';
import { KafkaSink, KafkaSource, type KafkaDeliveryGuarantee } from '@sage/connector-kafka';

export interface Bid {
  readonly auction: number;
  readonly bidder: number;
  readonly price: number;
  readonly channel: string;
  readonly dateTime: number;
  readonly extra: string;
}

/** Nexmark q1: the price in euros. */
export function toEuros(bid: Bid): Bid {
  return { auction: bid.auction, bidder: bid.bidder, price: Math.round(bid.price * 0.908), channel: bid.channel, dateTime: bid.dateTime, extra: bid.extra };
}

export default defineJob((env, args) => {
  const [brokers = '127.0.0.1:19092', input = '', output = '', groupId = '', guarantee = 'at-least-once'] = args;
  env.setJobName(`Kafka map ${guarantee}`);
  env.enableCheckpointing(1000);
  env
    .fromSource(new KafkaSource<Bid>({ brokers: brokers.split(','), topics: [input], groupId, bounded: true, deserializer: 'json' }), { uid: 'bids' })
    .map(toEuros)
    .uid('euros')
    .sink(new KafkaSink<Bid>({ brokers: brokers.split(','), topic: output, serializer: 'json', deliveryGuarantee: guarantee as KafkaDeliveryGuarantee }))
    .uid('out');
});
