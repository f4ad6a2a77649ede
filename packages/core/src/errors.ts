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

/**
 * A key selector returned a key that cannot be hashed the same way in every process and after every
 * restore (null, undefined, NaN, a function, a symbol). Raised for the record, naming the keyed
 * operator.
 */
export class InvalidKey extends SageError {
  constructor(
    /** The keyed operator whose key selector returned the key; undefined when called outside a job. */
    readonly operatorName: string | undefined,
    readonly key: unknown,
    /** The part of the key that is refused, e.g. `undefined` inside `[1, undefined]`. */
    readonly refused: unknown,
  ) {
    const who = operatorName === undefined ? 'A key selector' : `The key selector of operator '${operatorName}'`;
    const what = Object.is(refused, key) ? describeKeyPart(key) : `${describeKeyPart(key)}, which holds ${describeKeyPart(refused)}`;
    super(
      'InvalidKey',
      `${who} returned the key ${what}: keys must be strings, numbers other than NaN, booleans, bigints, or arrays and ` +
        `plain objects of those (null is allowed inside them), so that every process hashes them alike — return a value ` +
        `for every record (e.g. r => r.user ?? 'unknown'), or filter the others out before keyBy`,
    );
  }
}

function describeKeyPart(value: unknown): string {
  if (value === null || typeof value !== 'object') return typeof value === 'string' ? JSON.stringify(value) : typeof value === 'symbol' ? value.toString() : typeof value === 'function' ? 'a function' : String(value);
  try {
    return JSON.stringify(value, (_name, v: unknown) =>
      v === undefined ? '<undefined>' : typeof v === 'number' && Number.isNaN(v) ? '<NaN>' : typeof v === 'bigint' ? `${v}n` : typeof v === 'function' || typeof v === 'symbol' ? `<${typeof v}>` : v,
    );
  } catch {
    return Object.prototype.toString.call(value);
  }
}
