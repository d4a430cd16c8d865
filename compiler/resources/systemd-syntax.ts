import { ValidationError } from '../errors.ts';
import { absolutePath, principal, text, type AbsolutePath } from '../validate.ts';

/**
 * Values as systemd's unit file parser reads them (systemd.syntax(7), systemd.unit(5)):
 * one line per setting, outer blanks dropped, a final backslash joining the next line,
 * `%` starting a specifier. Typed fields are literal: what a role gives is what the
 * program sees (a `%` or a `$` included); specifiers and `$VAR` expansion are for the
 * raw `extra` settings.
 */

/** A program and its arguments, as words: `['/usr/bin/node', '/var/www/blot/app.js']`. The program is an absolute path. */
export type Command = readonly [AbsolutePath, ...string[]];

/** A duration: seconds as a number, or a number with a unit (`500ms`, `30s`, `5min`, `2h`, `1d`, `1w`), or `infinity`. */
export type TimeSpan = number | `${number}${'us' | 'ms' | 's' | 'min' | 'h' | 'd' | 'w'}` | 'infinity';

/** A unit's name, ending in its type: `blot.service`, `backup.timer`, `multi-user.target`. */
export type UnitName = `${string}.${UnitType}`;
type UnitType = 'service' | 'socket' | 'timer' | 'target' | 'path' | 'mount' | 'automount' | 'swap' | 'slice' | 'scope' | 'device';

const UNIT_NAME = /^[A-Za-z0-9:_.\\-]+(@[A-Za-z0-9:_.\\-]*)?\.(service|socket|timer|target|path|mount|automount|swap|slice|scope|device)$/;
const TIME_SPAN = /^(infinity|[0-9]+(\.[0-9]+)?(us|ms|s|min|h|d|w)?)$/;

/** Text a setting keeps as it is, except the specifier `%`, written `%%`. */
export function literalText(value: unknown, field: string): string {
  return settingText(value, field).replaceAll('%', '%%');
}

/**
 * A raw setting value (written as given): one line, not empty, no outer blanks (the
 * parser drops them) and no final backslash (the parser joins the next line to it).
 */
export function settingText(value: unknown, field: string): string {
  const checked = text(value, field);
  if (checked === '') throw new ValidationError(field, 'must not be empty (an empty setting resets it in systemd)');
  // Line breaks: systemd ends a line at LF, CR or CRLF.
  if (/[\r\n]/.test(checked)) throw new ValidationError(field, 'must be a single line (no line break)');
  if (/^[ \t]|[ \t]$/.test(checked)) throw new ValidationError(field, 'must not start or end with a blank (systemd drops them)');
  if (checked.endsWith('\\')) throw new ValidationError(field, 'must not end with a backslash (systemd joins the next line to it)');
  return checked;
}

/** One word for a command line or an Environment= assignment: quoted, with C escapes for what a line cannot hold. */
function quotedWord(value: string, dollars: boolean): string {
  let out = '"';
  for (const char of value) {
    const code = char.codePointAt(0)!;
    if (char === '\\' || char === '"') out += `\\${char}`;
    else if (char === '%') out += '%%';
    else if (char === '$' && dollars) out += '$$';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += char;
  }
  return `${out}"`;
}

/** A command line (ExecStart= and the like): every argument reaches the program byte for byte. */
export function commandLine(value: unknown, field: string): string {
  if (!Array.isArray(value) || value.length === 0) throw new ValidationError(field, 'must list the program and its arguments');
  const [program, ...args] = value.map((word, index) => text(word, `${field}[${index}]`));
  const path = absolutePath(program, `${field}[0]`);
  // The program word stays unquoted: systemd reads its prefixes (`-`, `+`, `@`…) before the path.
  if (/[\s"'\\%$;]/.test(path) || /[\u0000-\u001f\u007f]/.test(path)) {
    throw new ValidationError(`${field}[0]`, `must be a plain path (no blanks, quotes, backslashes, % or $): ${JSON.stringify(path)}`);
  }
  return [path, ...args.map((arg) => quotedWord(arg, true))].join(' ');
}

/** An Environment= setting: one variable, its value byte for byte. */
export function environmentAssignment(name: string, value: unknown, field: string): string {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new ValidationError(field, 'is not a valid environment variable name');
  return quotedWord(`${name}=${text(value, field)}`, false);
}

/** A space-separated list of unit names (After=, WantedBy=…): each checked against systemd's grammar. */
export function unitNames(value: unknown, field: string): string {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0) throw new ValidationError(field, 'must name at least one unit');
  return list.map((name, index) => unitName(name, Array.isArray(value) ? `${field}[${index}]` : field)).join(' ');
}

export function unitName(value: unknown, field: string): string {
  const checked = text(value, field);
  if (!UNIT_NAME.test(checked) || checked.length > 255) {
    throw new ValidationError(
      field,
      `is not a unit name like app.service or backup.timer (letters, digits and : _ . \\ - @, then the type): ${JSON.stringify(checked)}`,
    );
  }
  return checked;
}

export function timeSpan(value: unknown, field: string): string {
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) throw new ValidationError(field, `must be a number of seconds, got ${value}`);
    return String(value);
  }
  const checked = text(value, field);
  if (!TIME_SPAN.test(checked))
    throw new ValidationError(field, `is not a duration like 30, "500ms", "5min" or "infinity": ${JSON.stringify(checked)}`);
  return checked;
}

export function yesNo(value: unknown, field: string): string {
  if (typeof value !== 'boolean') throw new ValidationError(field, `must be true or false, got ${JSON.stringify(value)}`);
  return value ? 'yes' : 'no';
}

export function wholeNumber(value: unknown, field: string): string {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new ValidationError(field, `must be a whole number, got ${JSON.stringify(value)}`);
  }
  return String(value);
}

/** A path setting (WorkingDirectory=, PIDFile=…): absolute, plain, `%` escaped. */
export function pathSetting(value: unknown, field: string): string {
  const path = absolutePath(value, field);
  if (path.includes('//') || (path.length > 1 && path.endsWith('/'))) {
    throw new ValidationError(field, `must not contain // or end with / (systemd rewrites it): ${JSON.stringify(path)}`);
  }
  return literalText(path, field);
}

/** A user or group name or id. */
export function principalSetting(value: unknown, field: string): string {
  return principal(value, field);
}
