/**
 * How a value reads when a template outputs it (`{{ x }}`), as in Ansible: Python's str()
 * (`True`, `[1, 'two']`, `{'a': 1}`), and None as nothing (Ansible's finalize). JavaScript's
 * own String() would write `true`, `1,two` and `[object Object]` into the user's config files.
 * Numbers read as JavaScript writes them: a float that is whole (`1.0`) reads `1`, since the
 * variables bosun is given do not say which numbers were floats.
 */
export function outputText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string' || value instanceof String) return String(value);
  return repr(value);
}

/** Python's repr() of a value, which str() of a list or a dict uses for its items. */
function repr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'string') return quoted(value);
  if (value instanceof String) return quoted(String(value));
  if (Array.isArray(value)) return `[${value.map(repr).join(', ')}]`;
  if (typeof value === 'object' && [Object.prototype, null].includes(Object.getPrototypeOf(value))) {
    return `{${Object.entries(value as object)
      .map(([key, item]) => `${quoted(key)}: ${repr(item)}`)
      .join(', ')}}`;
  }
  return String(value);
}

/** A Python string literal: single quotes unless the text has one and no double quote. */
function quoted(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = '';
  for (const char of text) {
    const point = char.codePointAt(0)!;
    if (char === '\\' || char === quote) out += `\\${char}`;
    else if (char === '\n') out += '\\n';
    else if (char === '\r') out += '\\r';
    else if (char === '\t') out += '\\t';
    else if (point < 0x20 || (point >= 0x7f && point < 0xa0)) out += `\\x${point.toString(16).padStart(2, '0')}`;
    else out += char;
  }
  return `${quote}${out}${quote}`;
}
