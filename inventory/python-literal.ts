/**
 * Ansible's INI plugin turns every value into a Python object with
 * `ast.literal_eval` and keeps the raw string when that fails. This is the
 * same rule for the literals an inventory holds: numbers, quoted strings,
 * True/False/None, lists, tuples and dicts. Anything else stays a string, as
 * in Ansible (`ansible_host=10.0.0.1` is a string, `port=22` an integer,
 * `x=010` a string because Python 3 refuses leading zeros).
 */
export function parseIniValue(raw: string): unknown {
  const parsed = parsePythonLiteral(raw);
  return parsed.ok ? parsed.value : raw;
}

/** The result of reading a Python literal: a value, or `ok: false` when `text` is not one. */
export type LiteralResult = { ok: true; value: unknown } | { ok: false };

/** Reads `text` as one Python literal expression (comments and surrounding blanks allowed). */
export function parsePythonLiteral(text: string): LiteralResult {
  // Fast path: most inventory values are plain words, which can never be literals.
  const first = text.trimStart()[0];
  if (first === undefined) return { ok: false };
  if (!/[0-9.\-+'"[({TFNrRuUbB]/.test(first)) return { ok: false };
  try {
    const reader = new LiteralReader(text);
    const value = reader.expression();
    reader.end();
    return { ok: true, value };
  } catch (error) {
    if (error instanceof NotALiteral) return { ok: false };
    throw error;
  }
}

class NotALiteral extends Error {}

const INT = /^(?:0[xX](?:_?[0-9a-fA-F])+|0[oO](?:_?[0-7])+|0[bB](?:_?[01])+|[1-9](?:_?[0-9])*|0+(?:_?0)*)/;
const FLOAT =
  /^(?:(?:[0-9](?:_?[0-9])*)?\.[0-9](?:_?[0-9])*(?:[eE][+-]?[0-9](?:_?[0-9])*)?|[0-9](?:_?[0-9])*\.(?:[eE][+-]?[0-9](?:_?[0-9])*)?|[0-9](?:_?[0-9])*[eE][+-]?[0-9](?:_?[0-9])*)/;

class LiteralReader {
  private pos = 0;
  constructor(private readonly text: string) {}

  end(): void {
    this.blank();
    if (this.pos < this.text.length) throw new NotALiteral();
  }

  expression(): unknown {
    this.blank();
    const c = this.text[this.pos];
    if (c === undefined) throw new NotALiteral();
    if (c === '[') return this.sequence(']');
    if (c === '(') return this.sequence(')');
    if (c === '{') return this.mapping();
    if (c === '-' || c === '+') {
      // Python accepts a sign only before a number literal (`-1`, `- 1.5`), not `--1` or `-True`.
      this.pos++;
      this.blank();
      if (!/[0-9.]/.test(this.text[this.pos] ?? '')) throw new NotALiteral();
      const value = this.expression();
      if (typeof value !== 'number') throw new NotALiteral();
      return c === '-' ? -value : value;
    }
    const rest = this.text.slice(this.pos);
    const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(rest)?.[0];
    if (word !== undefined) {
      const prefix = /^(?:[rRuUbB]|[rR][bB]|[bB][rR])$/.test(word) ? word : undefined;
      if (prefix !== undefined && (rest[word.length] === "'" || rest[word.length] === '"')) {
        this.pos += word.length;
        return this.strings(/[rR]/.test(prefix));
      }
      this.pos += word.length;
      if (word === 'True') return true;
      if (word === 'False') return false;
      if (word === 'None') return null;
      throw new NotALiteral();
    }
    if (c === "'" || c === '"') return this.strings(false);
    const float = FLOAT.exec(rest)?.[0];
    const int = INT.exec(rest)?.[0];
    if (float !== undefined && (int === undefined || float.length > int.length)) {
      this.pos += float.length;
      this.noIdentifierAfter();
      return Number(float.replace(/_/g, ''));
    }
    if (int !== undefined) {
      this.pos += int.length;
      this.noIdentifierAfter();
      const digits = int.replace(/_/g, '');
      const value = /^0[oO]/.test(digits) ? parseInt(digits.slice(2), 8) : Number(digits);
      return value;
    }
    throw new NotALiteral();
  }

  /** `1j`, `010`, `1x`: Python rejects a number glued to letters or more digits. */
  private noIdentifierAfter(): void {
    const next = this.text[this.pos];
    if (next !== undefined && /[A-Za-z0-9_.]/.test(next)) throw new NotALiteral();
  }

  /** Adjacent string literals concatenate: `'a' "b"` is `'ab'`. */
  private strings(raw: boolean): string {
    let value = this.string(raw);
    for (;;) {
      const save = this.pos;
      this.blank();
      const rest = this.text.slice(this.pos);
      const prefix = /^(?:[rRuUbB]|[rR][bB]|[bB][rR])?(?=['"])/.exec(rest)?.[0];
      if (prefix === undefined) {
        this.pos = save;
        return value;
      }
      this.pos += prefix.length;
      value += this.string(/[rR]/.test(prefix));
    }
  }

  private string(raw: boolean): string {
    const quote = this.text[this.pos]!;
    const triple = this.text.startsWith(quote.repeat(3), this.pos);
    const close = triple ? quote.repeat(3) : quote;
    this.pos += close.length;
    let value = '';
    for (;;) {
      if (this.pos >= this.text.length) throw new NotALiteral();
      if (this.text.startsWith(close, this.pos)) {
        this.pos += close.length;
        return value;
      }
      const c = this.text[this.pos]!;
      if (!triple && c === '\n') throw new NotALiteral();
      if (c === '\\') {
        const next = this.text[this.pos + 1];
        if (next === undefined) throw new NotALiteral();
        if (raw) {
          value += c + next;
          this.pos += 2;
          continue;
        }
        this.pos += 2;
        value += this.escape(next);
        continue;
      }
      value += c;
      this.pos++;
    }
  }

  private escape(next: string): string {
    const simple: Record<string, string> = {
      '\n': '',
      '\\': '\\',
      "'": "'",
      '"': '"',
      a: '\x07',
      b: '\b',
      f: '\f',
      n: '\n',
      r: '\r',
      t: '\t',
      v: '\v',
    };
    if (next in simple) return simple[next]!;
    const hex = (length: number): string => {
      const digits = this.text.slice(this.pos, this.pos + length);
      if (!new RegExp(`^[0-9a-fA-F]{${length}}$`).test(digits)) throw new NotALiteral();
      this.pos += length;
      return String.fromCodePoint(parseInt(digits, 16));
    };
    if (next === 'x') return hex(2);
    if (next === 'u') return hex(4);
    if (next === 'U') return hex(8);
    if (/[0-7]/.test(next)) {
      let digits = next;
      while (digits.length < 3 && /[0-7]/.test(this.text[this.pos] ?? '')) digits += this.text[this.pos++];
      return String.fromCodePoint(parseInt(digits, 8));
    }
    // Python keeps unknown escapes as written.
    return `\\${next}`;
  }

  /** A list, or a tuple (JSON has only arrays); `(x)` without a comma is just `x`. */
  private sequence(close: string): unknown {
    this.pos++;
    const items: unknown[] = [];
    let comma = false;
    for (;;) {
      this.blank();
      if (this.text[this.pos] === close) {
        this.pos++;
        if (close === ')' && items.length === 1 && !comma) return items[0];
        return items;
      }
      items.push(this.expression());
      this.blank();
      if (this.text[this.pos] === ',') {
        this.pos++;
        comma = true;
      } else if (this.text[this.pos] !== close) throw new NotALiteral();
    }
  }

  private mapping(): Record<string, unknown> {
    this.pos++;
    const result: Record<string, unknown> = {};
    for (;;) {
      this.blank();
      if (this.text[this.pos] === '}') {
        this.pos++;
        return result;
      }
      const key = this.expression();
      this.blank();
      // A set literal ({1, 2}) has no JSON form; treat it as text like other oddities.
      if (this.text[this.pos] !== ':') throw new NotALiteral();
      this.pos++;
      const value = this.expression();
      if (key !== null && typeof key === 'object') throw new NotALiteral();
      Object.defineProperty(result, pythonKey(key), { value, enumerable: true, writable: true, configurable: true });
      this.blank();
      if (this.text[this.pos] === ',') this.pos++;
      else if (this.text[this.pos] !== '}') throw new NotALiteral();
    }
  }

  /** Spaces, tabs and `# comments` are ignored between tokens, as Python's tokenizer does. */
  private blank(): void {
    for (;;) {
      const c = this.text[this.pos];
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f') this.pos++;
      else if (c === '#') {
        const end = this.text.indexOf('\n', this.pos);
        this.pos = end < 0 ? this.text.length : end;
      } else return;
    }
  }
}

/** JSON (and ansible-inventory) writes dict keys as strings: True → "true", None → "null". */
function pythonKey(key: unknown): string {
  if (key === true) return 'true';
  if (key === false) return 'false';
  if (key === null) return 'null';
  return String(key);
}
