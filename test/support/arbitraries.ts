import fc from 'fast-check';

/** Characters shells, awk, regexes and file formats treat specially. */
const SPECIAL = [
  "'",
  '"',
  '\n',
  '\r',
  '\t',
  ' ',
  '$',
  '`',
  '\\',
  '-',
  '--',
  '%',
  '*',
  '?',
  '[',
  ']',
  '{',
  '}',
  '(',
  ')',
  ';',
  '&',
  '|',
  '<',
  '>',
  '#',
  '~',
  '!',
  '^',
  '.',
  '/',
  ':',
  '=',
  ',',
  '+',
  '@',
  '$(id)',
  '${x}',
  '\\n',
  '%s',
  '\x1b',
  '\x7f',
  '\u00a0',
];
/** Non-ASCII: two-, three- and four-byte UTF-8, an astral emoji, a combining mark, RTL. */
const UNICODE = ['é', 'ß', '中', '😀', '𝄞', '\u{10FFFD}', 'e\u0301', 'ש', '\u2028', '\uFEFF'];

/** One "character" of interesting text: special, non-ASCII or plain printable. */
const unit = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...SPECIAL) },
  { weight: 2, arbitrary: fc.constantFrom(...UNICODE) },
  { weight: 3, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 3 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }) },
);

/** Any text without NUL: quotes, newlines, `$`, backticks, backslashes, unicode incl. astral, leading dashes, empty. */
export const shellText = fc.string({ unit, maxLength: 24 }).filter((value) => !value.includes('\0'));

/** Text on one line (no CR or LF). */
export const oneLineText = shellText.map((value) => value.replace(/[\r\n]/g, ''));

/** A file name: one path component, never `.` or `..`, at most 200 bytes. */
export const fileName = shellText
  .map((value) => value.replace(/\//g, '_'))
  .filter((value) => value !== '' && value !== '.' && value !== '..' && Buffer.byteLength(value) <= 200);

/** Escapes text so that, as a POSIX ERE, it matches exactly that text. */
export function ereLiteral(value: string): string {
  return value.replace(/[.[\]\\()*+?{}|^$]/g, (char) => `\\${char}`);
}
