import { SageError } from '@sage/core';

export type KafkaSourceErrorCode =
  | 'InvalidOption'
  | 'InvalidSplitState'
  | 'BrokerUnreachable'
  | 'TopicNotFound'
  | 'MetadataLookupFailed'
  | 'ConsumerFailed'
  | 'FetchFailed'
  | 'UndecodableRecord';

/** A KafkaSource could not start, could not read, or met a record it could not decode. */
export class KafkaSourceError extends SageError {
  declare readonly code: KafkaSourceErrorCode;

  constructor(code: KafkaSourceErrorCode, message: string, cause?: unknown) {
    super(code, message, cause === undefined ? undefined : { cause });
  }
}
