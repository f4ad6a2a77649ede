import { SageError } from '@sage/core';

export type FileSourceErrorCode = 'InvalidOption' | 'InvalidSplitState' | 'FileNotFound' | 'FileReadFailed';

/** A FileSource could not list or read its input. */
export class FileSourceError extends SageError {
  declare readonly code: FileSourceErrorCode;

  constructor(code: FileSourceErrorCode, message: string, cause?: unknown) {
    super(code, message, cause === undefined ? undefined : { cause });
  }
}

export type FileSinkErrorCode = 'InvalidOption' | 'UnserializableRecord' | 'FileWriteFailed' | 'PartFileMissing' | 'CommitFailed' | 'InvalidWriterState';

/** A FileSink could not write, or could not commit, its part files. */
export class FileSinkError extends SageError {
  declare readonly code: FileSinkErrorCode;

  constructor(code: FileSinkErrorCode, message: string, cause?: unknown) {
    super(code, message, cause === undefined ? undefined : { cause });
  }
}
