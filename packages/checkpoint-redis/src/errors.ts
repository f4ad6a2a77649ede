import { SageError } from '@sage/core';

/** Redis did not answer: the process cannot keep jobs or checkpoints, and says so instead of starting. */
export class RedisUnreachable extends SageError {
  constructor(message: string, cause?: unknown) {
    super('RedisUnreachable', message, cause === undefined ? undefined : { cause });
  }
}

/** A checkpointStorage URL of a scheme Sage has no storage for. */
export class UnsupportedCheckpointStorage extends SageError {
  constructor(message: string) {
    super('UnsupportedCheckpointStorage', message);
  }
}
