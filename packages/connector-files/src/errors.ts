import { SageError } from '@sage/core';

/** A file connector could not read or write what it was asked to. */
export class FileConnectorError extends SageError {
  constructor(code: 'FileNotFound' | 'FileReadFailed' | 'FileWriteFailed' | 'CommitFailed', message: string, cause?: unknown) {
    super(code, message, { cause });
  }
}
