/** How Python's json.dumps writes: the separators, key order and indent its callers choose. */
export interface PythonJsonOptions {
  /** Keys in sorted order (Jinja2's tojson and Ansible's to_nice_json sort them). */
  readonly sortKeys?: boolean;
  /** Spaces per level; with an indent, items end their line after `,` as Python's do. */
  readonly indent?: number;
}

/**
 * JSON as Python's json.dumps writes it with its defaults (what Ansible's to_json, to_nice_json
 * and Jinja2's tojson give): `", "` and `": "` between items, every character outside printable
 * ASCII as a `\uXXXX` escape (ensure_ascii).
 */
export function pythonJson(value: unknown, options: PythonJsonOptions = {}, depth = 0): string {
  if (value === undefined || value === null) return 'null';
  if (typeof value === 'string')
    return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  if (typeof value === 'number' || typeof value === 'boolean') return JSON.stringify(value) ?? 'null';
  const indent = options.indent;
  const open = (items: string[], start: string, end: string): string => {
    if (items.length === 0) return `${start}${end}`;
    if (indent === undefined) return `${start}${items.join(', ')}${end}`;
    const inner = ' '.repeat(indent * (depth + 1));
    return `${start}\n${inner}${items.join(`,\n${inner}`)}\n${' '.repeat(indent * depth)}${end}`;
  };
  if (Array.isArray(value))
    return open(
      value.map((item) => pythonJson(item, options, depth + 1)),
      '[',
      ']',
    );
  const entries = Object.entries(value as object).filter(([, item]) => item !== undefined);
  // Keys of one object are distinct: two never compare equal.
  if (options.sortKeys) entries.sort(([a], [b]) => (a < b ? -1 : 1));
  return open(
    entries.map(([key, item]) => `${pythonJson(key)}: ${pythonJson(item, options, depth + 1)}`),
    '{',
    '}',
  );
}
