import { ValidationError } from './errors.ts';

/**
 * Quotes one value for POSIX sh: the only way a value enters a script.
 * Single quotes keep every byte literal (newlines, `$`, backticks, backslashes);
 * a single quote itself is written as \' outside them. A NUL byte cannot live in a shell
 * word, so it is refused with an error naming the field.
 */
export function quote(value: string, field = 'value'): string {
  const known = QUOTED.get(value);
  if (known !== undefined) return known;
  if (value.includes('\0')) throw new ValidationError(field, 'contains a NUL byte, which a shell cannot carry');
  const quoted = quoteAnew(value);
  // A step names its path a dozen times: a compile of many hosts asks for the same few values over and over.
  if (value.length <= 256 && field !== 'secret') {
    if (QUOTED.size >= 4096) QUOTED.clear();
    QUOTED.set(value, quoted);
  }
  return quoted;
}

const QUOTED = new Map<string, string>();

function quoteAnew(value: string): string {
  // A reserved word is harmless as an argument, but quoted it reads (and shellchecks) as data.
  // Not after `=` either: `A==x` is valid sh but reads like a typo (shellcheck SC1097).
  if (PLAIN.test(value) && !RESERVED.has(value)) return value;
  if (value === '') return "''";
  // Backslashes that would sit right before a closing quote go outside it as `\\`
  // (same bytes; shellcheck SC1003 reads `'a\'` as a failed escape).
  return value.split("'").map(quotePiece).join("\\'");
}

function quotePiece(piece: string): string {
  const backslashes = /\\*$/.exec(piece)?.[0].length ?? 0;
  const head = piece.slice(0, piece.length - backslashes);
  return (head === '' ? '' : `'${head}'`) + '\\\\'.repeat(backslashes);
}

const PLAIN = /^[A-Za-z0-9_@%+:,./-][A-Za-z0-9_@%+=:,./-]*$/;
const RESERVED = new Set(['if', 'then', 'else', 'elif', 'fi', 'do', 'done', 'case', 'esac', 'while', 'until', 'for', 'in']);
