// Types for the kafkajs 2.2.4 modules that kafkajs-internals.ts imports by path (kafkajs ships types
// for its public API only). Only what the connector uses, as kafkajs's sources define it.

declare module 'kafkajs/src/protocol/error.js' {
  const errors: {
    /** A KafkaJSProtocolError for a Kafka error code: `type` (e.g. 'NOT_LEADER_FOR_PARTITION'), `code`, `retriable`. */
    createErrorFromCode(code: number): Error & { readonly type: string; readonly code: number; readonly retriable: boolean };
  };
  export = errors;
}

declare module 'kafkajs/src/protocol/encoder.js' {
  class Encoder {
    writeEncoder(value: unknown): Encoder;
    readonly buffer: Buffer;
  }
  export = Encoder;
}

declare module 'kafkajs/src/broker/index.js' {
  const Broker: { readonly prototype: object };
  export = Broker;
}
