export { KafkaSource } from './source/kafka-source.js';
export type { KafkaSourceReaderMetrics } from './source/kafka-source-reader.js';
export type { DecodeErrorPolicy, KafkaClientOptions, KafkaConsumerTuning, KafkaSourceOptions, StartingOffsets } from './source/options.js';
export { isDecodeFailure, routeDecodeFailures, type DecodeFailure, type KafkaDeserializer, type KafkaRawRecord, type KafkaRecord } from './source/deserializers.js';
export type { KafkaPartitionSplit } from './source/partition-split.js';
export { KafkaSourceError, type KafkaSourceErrorCode } from './source/errors.js';
