import { inspect } from 'node:util';
import { BosunError } from './errors.ts';
import { quote } from './quote.ts';

// Marks secrets across loaded copies of bosun (a playbook may load its own copy of the
// engine's modules): `instanceof` then compares brands, not class identity.
const SECRET = Symbol.for('bosun.secret');

/** What a secret looks like wherever bosun prints it. */
export const MASK = '********';

/**
 * A value that must never be printed: it is rendered into the script (which travels
 * on stdin, never argv) but every printer of bosun masks it. A secret is not text:
 * using one in a template string or a concatenation throws (the host would otherwise
 * get the mask); compose text around it with `secretText`.
 */
export class Secret {
  readonly #value: string;
  /** Secrets this one was composed from: masked on their own too. */
  readonly #parts: readonly string[];
  readonly [SECRET] = true;

  static [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === 'object' && value !== null && (value as { [SECRET]?: unknown })[SECRET] === true;
  }

  constructor(value: string, parts: readonly string[] = []) {
    this.#value = value;
    this.#parts = parts;
  }
  /** The real value, for the renderer only. */
  reveal(): string {
    return this.#value;
  }
  /**
   * Every text a printer must mask for this secret: its value, the parts it was composed
   * from, and each of these as the script quotes it (a value with a `'` is split by quoting).
   */
  maskedForms(): string[] {
    const values = this.values();
    return [...new Set([...values, ...values.filter((value) => !value.includes('\0')).map((value) => quote(value))])];
  }
  /** Its value and the values of the secrets it was composed from, unquoted. */
  values(): string[] {
    return [this.#value, ...this.#parts];
  }
  toString(): never {
    throw secretAsText();
  }
  [Symbol.toPrimitive](): never {
    throw secretAsText();
  }
  toJSON(): string {
    return MASK;
  }
  [inspect.custom](): string {
    return `Secret(${MASK})`;
  }
}

function secretAsText(): BosunError {
  return new BosunError(
    'a secret was used as text (in a template string or a concatenation), where the host would get ' +
      `${MASK}: compose it with secretText\`…\${secret}…\` instead, which gives a secret`,
  );
}

/** Marks a value as secret. */
export function secret(value: string): Secret {
  return new Secret(value);
}

/**
 * Text composed around secrets that stays secret: `secretText\`password=${pw}\n\``
 * is a Secret whose value is the whole text (and whose parts are masked on their own).
 */
export function secretText(strings: TemplateStringsArray, ...values: readonly (string | number | Secret)[]): Secret {
  let text = strings[0] ?? '';
  const parts: string[] = [];
  values.forEach((value, index) => {
    if (value instanceof Secret) parts.push(...value.values());
    text += (value instanceof Secret ? value.reveal() : String(value)) + (strings[index + 1] ?? '');
  });
  return new Secret(text, parts);
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
