import { SageError } from '@sage/core';

/** An error the CLI reports as a message (no stack) and an exit code: 2 for usage and plan errors. */
export class CliError extends SageError {
  constructor(
    code: string,
    message: string,
    readonly exitCode = 2,
  ) {
    super(code, message);
  }
}

/** Codes of errors that mean "the job as written cannot run": exit 2, message only. */
export const PLAN_ERROR_CODES: ReadonlySet<string> = new Set(['InvalidJobGraph', 'InvalidJobModule', 'JobBundleFailed', 'JobFileNotFound']);
