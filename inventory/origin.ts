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
