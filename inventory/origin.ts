import { LoadError, ValidationError } from '../compiler/errors.ts';

/** Where something in an inventory was written: a file, and a line when the format has lines. */
export interface Origin {
  readonly file: string;
  readonly line?: number;
  readonly column?: number;
}

/** A value that is not acceptable, located: `file:line:col: field: problem`. */
export function invalid(field: string, problem: string, at: Origin | undefined, cause?: unknown): ValidationError {
  return new ValidationError(field, problem, { ...at, ...(cause === undefined ? {} : { cause }) });
}

/** A source that cannot be read or parsed at all, located. */
export function unreadable(message: string, at: Origin | undefined, cause?: unknown): LoadError {
  return new LoadError(message, { ...at, ...(cause === undefined ? {} : { cause }) });
}

/** One key of a mapping, and where it was written. */
export interface PlacedKey {
  readonly key: string;
  readonly at: Origin | undefined;
}

/** How an unknown key is reported: the field path it sits under, and what the mapping is. */
export interface UnknownKeyWording {
  /** The field path of the mapping (`keyed_groups`): the error names `path.key`. */
  readonly path?: string;
  /** What the mapping is, for the message (`in aws_ec2 config`). */
  readonly within?: string;
  /** List the keys it may have (a long list is left out). */
  readonly listKnown?: boolean;
}

/**
 * Refuses the first key that is not in `allowed`, at the place it was written. Every
 * inventory format checks its keys through this one function, where Ansible warns and
 * carries on; the resource parameters do the same through compiler/validate.ts knownKeys.
 */
export function refuseUnknownKeys(keys: Iterable<PlacedKey>, allowed: ReadonlySet<string>, wording: UnknownKeyWording = {}): void {
  const { path, within, listKnown = true } = wording;
  for (const { key, at } of keys) {
    if (allowed.has(key)) continue;
    const where = within === undefined ? '' : ` ${within}`;
    const known = listKnown ? ` (expected ${[...allowed].join(', ')})` : '';
    throw invalid(path === undefined || path === '' ? key : `${path}.${key}`, `unknown key${where}${known}`, at);
  }
}
