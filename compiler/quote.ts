import { ValidationError } from './errors.ts';

/**
 * Quotes one value for POSIX sh: the only way a value enters a script.
 * Single quotes keep every byte literal (newlines, `$`, backticks, backslashes);
 * a single quote itself is written as '\''. A NUL byte cannot live in a shell
 * word, so it is refused with an error naming the field.
 */
export function quote(value: string, field = 'value'): string {
  if (value.includes('\0')) throw new ValidationError(field, 'contains a NUL byte, which a shell cannot carry');
  // A reserved word is harmless as an argument, but quoted it reads (and shellchecks) as data.
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(value) && !RESERVED.has(value)) return value;
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

const RESERVED = new Set(['if', 'then', 'else', 'elif', 'fi', 'do', 'done', 'case', 'esac', 'while', 'until', 'for', 'in']);
