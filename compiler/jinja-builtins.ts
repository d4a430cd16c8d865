import { splitKeywords } from './jinja-filters.ts';
import { pythonFormat } from './jinja-format.ts';
import { pythonJson } from './jinja-json.ts';

/** What a filter sees as `this`: nunjucks' context, whose environment knows the other filters. */
interface FilterThis {
  readonly env: { getFilter(name: string): (...args: unknown[]) => unknown };
}

/**
 * Jinja2's own filters that nunjucks lacks, with Jinja2's meaning: Ansible templates use them
 * everywhere (`sites | map(attribute='port') | max`; map itself is in jinja-filters.ts).
 */
export const JINJA_FILTERS: Readonly<Record<string, (this: FilterThis, ...args: never[]) => unknown>> = {
  /** The smallest item (of `attribute`, when given). */
  min: (value: unknown, ...args: unknown[]) => extreme(value, args, -1),
  /** The largest item (of `attribute`, when given). */
  max: (value: unknown, ...args: unknown[]) => extreme(value, args, 1),
  /** An attribute of an object: `user | attr('name')`. */
  attr: (value: unknown, name: string) => (value as Record<string, unknown> | null | undefined)?.[name],
  /** JSON, keys sorted, `<>&'` escaped, as Jinja2's tojson. */
  tojson: (value: unknown, ...args: unknown[]) => {
    const { positional, keywords } = splitKeywords(args);
    const indent = keywords.indent ?? positional[0];
    return pythonJson(value, { sortKeys: true, ...(indent !== undefined && { indent: Number(indent) }) }).replace(
      /[<>&']/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
    );
  },
  /** A dict's (key, value) pairs. */
  items: (value: unknown) => Object.entries((value ?? {}) as object),
  /** Python's `%` formatting: `"%s:%d" | format(host, port)`. */
  format: (value: unknown, ...args: unknown[]) => pythonFormat(String(value ?? ''), args),
};

function iterable(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (typeof value === 'string') return [...value];
  if (typeof value === 'object' && value !== null) return Object.keys(value);
  return [];
}

function extreme(value: unknown, args: readonly unknown[], sign: 1 | -1): unknown {
  const { keywords } = splitKeywords(args);
  const key = (item: unknown): unknown =>
    typeof keywords.attribute === 'string' ? (item as Record<string, unknown>)[keywords.attribute] : item;
  let best: unknown;
  for (const item of iterable(value)) {
    if (best === undefined || (sign > 0 ? (key(item) as number) > (key(best) as number) : (key(item) as number) < (key(best) as number)))
      best = item;
  }
  return best;
}
