/**
 * Base class of every error Sage raises on purpose. `code` is stable (scripts and tests match on it);
 * the message says what happened and what to do about it.
 */
export class SageError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = code;
  }
}

/** The job graph cannot run as written. Raised while planning, before anything is deployed. */
export class InvalidJobGraph extends SageError {
  constructor(message: string) {
    super('InvalidJobGraph', message);
  }
}

/** A job module does not export what `sage run` expects. */
export class InvalidJobModule extends SageError {
  constructor(message: string) {
    super('InvalidJobModule', message);
  }
}

/** A user function used an API that its operator does not offer (keyed state outside keyBy, ...). */
export class IllegalOperatorUsage extends SageError {
  constructor(message: string) {
    super('IllegalOperatorUsage', message);
  }
}
