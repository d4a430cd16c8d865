// Marks bosun's errors across loaded copies of its modules (a playbook may load its own
// copy): `instanceof` then compares class names along the prototype chain, not identity.
const BOSUN_ERROR = Symbol.for('bosun.error');

/**
 * The one error hierarchy of bosun. Every error names what it concerns (a field,
 * a file and line, a host, a step) so a person can act on it without a stack trace.
 */
export class BosunError extends Error {
  override name = 'BosunError';
  readonly [BOSUN_ERROR] = true;

  static override [Symbol.hasInstance](value: unknown): boolean {
    if (typeof value !== 'object' || value === null || !(BOSUN_ERROR in value)) return false;
    for (let proto = Object.getPrototypeOf(value); proto !== null; proto = Object.getPrototypeOf(proto)) {
      // biome-ignore lint/complexity/noThisInStatic: `this` is the class `instanceof` asks about (a subclass too), not BosunError.
      if ((proto as { constructor?: { name?: string } }).constructor?.name === this.name) return true;
    }
    return false;
  }
  /** Where the error is: a file, optionally with line and column. */
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
  /** The host the error concerns, when there is one. */
  readonly host?: string;

  constructor(message: string, options: { cause?: unknown; file?: string; line?: number; column?: number; host?: string } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    if (options.file !== undefined) this.file = options.file;
    if (options.line !== undefined) this.line = options.line;
    if (options.column !== undefined) this.column = options.column;
    if (options.host !== undefined) this.host = options.host;
  }

  /** `file:line:col: message`, or just the message when there is no location. */
  describe(): string {
    if (this.file === undefined) return this.message;
    const at = [this.file, this.line, this.column].filter((part) => part !== undefined).join(':');
    return `${at}: ${this.message}`;
  }
}

/** A value given to a resource, a role or the CLI is not acceptable. `field` names it. */
export class ValidationError extends BosunError {
  override name = 'ValidationError';
  constructor(
    readonly field: string,
    problem: string,
    options: { cause?: unknown; file?: string; line?: number; column?: number } = {},
  ) {
    super(`${field}: ${problem}`, options);
  }
}

/** A playbook or inventory could not be loaded or type-checked: nothing was run. */
export class LoadError extends BosunError {
  override name = 'LoadError';
}

/** A host could not be reached or the transport broke (as opposed to a step failing). */
export class TransportError extends BosunError {
  override name = 'TransportError';
}
