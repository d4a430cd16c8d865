import { ValidationError } from './errors.ts';
import { Secret } from './secret.ts';

/** One octal digit. */
type Octal = '0' | '1' | '2' | '3' | '4' | '5' | '6' | '7';

/** An octal file mode such as `"0644"` or `"755"`. Symbolic modes are not accepted. */
export type FileMode = `${Octal}${Octal}${Octal}` | `${Octal}${Octal}${Octal}${Octal}`;

/** A path that starts at `/`. Relative paths mean nothing on a remote host. */
export type AbsolutePath = `/${string}`;

/** Text that can travel in a shell word: no NUL byte, no lone UTF-16 surrogate. */
export function text(value: unknown, field: string): string {
  if (typeof value !== 'string') throw new ValidationError(field, `must be a string, got ${describe(value)}`);
  if (value.includes('\0')) throw new ValidationError(field, 'contains a NUL byte, which a shell cannot carry');
  if (!(value as string & { isWellFormed(): boolean }).isWellFormed()) {
    throw new ValidationError(field, 'contains a lone UTF-16 surrogate, which has no byte encoding');
  }
  return value;
}

/** Text or a secret; returns the real value for checks. */
export function textOrSecret(value: unknown, field: string): string {
  return value instanceof Secret ? text(value.reveal(), field) : text(value, field);
}

/** Text without a line break, for values that live on one line (a line in a file, a cron command). */
export function oneLine(value: unknown, field: string): string {
  const checked = text(value, field);
  if (/[\r\n]/.test(checked)) throw new ValidationError(field, 'must be a single line (no line break)');
  return checked;
}

/** An absolute path without `.` or `..` components, as a host's path. */
export function absolutePath(value: unknown, field: string): AbsolutePath {
  const checked = text(value, field);
  if (!checked.startsWith('/')) throw new ValidationError(field, `must be an absolute path, got ${JSON.stringify(checked)}`);
  if (/\/\.\.?(\/|$)/.test(checked)) throw new ValidationError(field, `must not contain . or .. components: ${JSON.stringify(checked)}`);
  return checked as AbsolutePath;
}

/** Normalizes a mode to what `stat -c %a` prints (no leading zeros). */
export function fileMode(value: unknown, field: string): string {
  if (typeof value !== 'string' || !/^[0-7]{3,4}$/.test(value)) {
    throw new ValidationError(field, `must be an octal mode string such as "0644", got ${describe(value)}`);
  }
  return parseInt(value, 8).toString(8);
}

/** A user or group name (as useradd accepts) or a numeric id. */
export function principal(value: unknown, field: string): string {
  const checked = text(value, field);
  if (!/^([a-z_][a-z0-9_.-]{0,31}\$?|[0-9]+)$/i.test(checked)) {
    throw new ValidationError(field, `is not a valid user or group name: ${JSON.stringify(checked)}`);
  }
  return checked;
}

/** A name with a strict grammar (package, service): never an option, never a pattern. */
export function identifier(value: unknown, field: string, pattern: RegExp, what: string): string {
  const checked = text(value, field);
  if (!pattern.test(checked)) throw new ValidationError(field, `is not a valid ${what}: ${JSON.stringify(checked)}`);
  return checked;
}

/** One of the `allowed` strings (a union's members at run time). */
export function oneOf<T extends string>(value: unknown, field: string, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new ValidationError(field, `must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}, got ${describe(value)}`);
  }
  return value as T;
}

/** `true` or `false`, nothing else (no "yes", no 1). */
export function bool(value: unknown, field: string): boolean {
  if (typeof value !== 'boolean') throw new ValidationError(field, `must be true or false, got ${describe(value)}`);
  return value;
}

/** A list of text values; an item's error names its index (`field[2]`). */
export function stringList(value: unknown, field: string): string[] {
  if (!Array.isArray(value)) throw new ValidationError(field, `must be a list of strings, got ${describe(value)}`);
  return value.map((item, index) => text(item, `${field}[${index}]`));
}

/** A whole number, 0 or more (a count, days, a port): not 1.5, not "4". */
export function wholeNumber(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw new ValidationError(field, `must be a whole number >= 0, got ${describe(value)}`);
  }
  return value;
}

/** Every key that some member of `T` may have (distributes over unions). */
type AnyKey<T> = T extends unknown ? keyof T : never;

/**
 * A record naming every key of `T` once, each `true`. TypeScript refuses a missing or an
 * extra key in the literal, so the runtime key list derived from it cannot drift from the type.
 */
export type KeySet<T> = { readonly [K in AnyKey<T> & string]: true };

/** The keys of `T` as a list for `knownKeys`, checked against the type by the compiler. */
export function keysOf<T>(keys: KeySet<T>): readonly string[] {
  return Object.keys(keys);
}

/**
 * Refuses keys a TypeScript caller could not have written: the type system stops
 * them in .ts files, this stops them in plain JS, YAML vars and -e values. `context`
 * narrows the message to one variant of a union (`with state "absent"`).
 */
export function knownKeys(value: unknown, allowed: readonly string[], where: string, context?: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new ValidationError(where, `must be an object, got ${describe(value)}`);
  }
  for (const [key, given] of Object.entries(value)) {
    if (!allowed.includes(key) && (context === undefined || given !== undefined)) {
      const within = context === undefined ? '' : ` ${context}`;
      throw new ValidationError(`${where}.${key}`, `is not a known parameter${within} (known${within}: ${allowed.join(', ')})`);
    }
  }
  return value as Record<string, unknown>;
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return JSON.stringify(value);
  return `${typeof value} ${JSON.stringify(value)}`;
}
