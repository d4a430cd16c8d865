/**
 * A value that must never be printed: it is rendered into the script (which travels
 * on stdin, never argv) but every printer of bosun masks it.
 */
// Marks secrets across loaded copies of bosun (a playbook may load its own copy of the
// engine's modules): `instanceof` then compares brands, not class identity.
const SECRET = Symbol.for('bosun.secret');

export class Secret {
  readonly #value: string;
  readonly [SECRET] = true;

  static [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as { [SECRET]?: unknown })[SECRET] === true;
  }

  constructor(value: string) {
    this.#value = value;
  }
  /** The real value, for the renderer only. */
  reveal(): string {
    return this.#value;
  }
  toString(): string {
    return MASK;
  }
  toJSON(): string {
    return MASK;
  }
}

/** What a secret looks like wherever bosun prints it. */
export const MASK = '********';

/** Marks a value as secret. */
export function secret(value: string): Secret {
  return new Secret(value);
}

/** Replaces every occurrence of every secret in `text` with the mask. */
export function maskSecrets(text: string, secrets: readonly string[]): string {
  let masked = text;
  // Longest first, so a secret that contains another is masked whole.
  for (const value of [...secrets].sort((a, b) => b.length - a.length)) {
    if (value.length > 0) masked = masked.split(value).join(MASK);
  }
  return masked;
}
