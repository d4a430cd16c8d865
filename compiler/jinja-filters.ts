import { posix } from 'node:path';
import nunjucks from 'nunjucks';
import { pythonJson } from './jinja-json.ts';

/**
 * Ansible's filters that nunjucks lacks, with Ansible's meaning (nunjucks already has
 * default, lower, upper, replace, join, trim, length, first, last, int, float, list,
 * sort, unique-less). Each refuses what Ansible refuses rather than guessing.
 */
export const ANSIBLE_FILTERS: Readonly<Record<string, (...args: never[]) => unknown>> = {
  /** `x | d(y)`: Ansible's short name for default. */
  d: (value: unknown, fallback: unknown = '', boolean = false) => (value === undefined || (boolean && !value) ? fallback : value),
  /** Python's re.sub: `\\1` and `\\g<1>` are backrefs and `$` is literal, as in Ansible. */
  regex_replace: (value: unknown, pattern: string, replacement = '', ignorecase = false) =>
    String(value ?? '').replace(new RegExp(pattern, ignorecase ? 'gi' : 'g'), pythonReplacement(replacement)),
  /** The first match (or undefined), as Ansible's regex_search. */
  regex_search: (value: unknown, pattern: string) => new RegExp(pattern).exec(String(value ?? ''))?.[0],
  /** `cond | ternary(a, b)`. */
  ternary: (value: unknown, yes: unknown, no: unknown) => (value ? yes : no),
  /** Ansible's bool: yes/on/1/true (any case) are true. */
  bool: (value: unknown) => (typeof value === 'boolean' ? value : ['yes', 'on', '1', 'true', 'y'].includes(String(value).toLowerCase())),
  /** JSON as Python writes it (`{"a": [1, 2]}`), keys in their order. */
  to_json: (value: unknown) => pythonJson(value),
  /** Indented JSON, keys sorted, as Ansible's to_nice_json. */
  to_nice_json: (value: unknown, ...args: unknown[]) => {
    const { positional, keywords } = splitKeywords(args);
    return pythonJson(value, { indent: Number(keywords.indent ?? positional[0] ?? 4), sortKeys: true });
  },
  from_json: (value: unknown) => JSON.parse(String(value)),
  /** Fails the template when the value is undefined. */
  mandatory: (value: unknown, message?: string) => {
    if (value === undefined) throw new Error(message ?? 'Mandatory variable not defined.');
    return value;
  },
  b64encode: (value: unknown) => Buffer.from(String(value), 'utf8').toString('base64'),
  b64decode: (value: unknown) => Buffer.from(String(value), 'base64').toString('utf8'),
  basename: (value: unknown) => posix.basename(String(value)),
  dirname: (value: unknown) => posix.dirname(String(value)),
  unique: (value: unknown) => [...new Set(Array.isArray(value) ? value : [])],
  /** A dict as a list of {key, value}. */
  dict2items: (value: unknown) => Object.entries((value ?? {}) as object).map(([key, item]) => ({ key, value: item })),
  map: mapFilter,
  /** Python's zip: `a | zip(b)` pairs items up to the shorter list. */
  zip: (value: unknown, ...others: unknown[]) => {
    const lists = [value, ...others].map((v) => (Array.isArray(v) ? v : []));
    const length = Math.min(...lists.map((l) => l.length));
    return Array.from({ length }, (_, i) => lists.map((l) => l[i]));
  },
  items2dict: (value: unknown) =>
    Object.fromEntries((Array.isArray(value) ? value : []).map((item: { key: unknown; value: unknown }) => [item.key, item.value])),
  /** Dicts merged left to right, as Ansible's combine; `recursive=true` merges nested dicts too. */
  combine: (...args: unknown[]) => {
    const { positional, keywords } = splitKeywords(args);
    const recursive = keywords.recursive === true;
    return positional.flat().reduce((merged: Record<string, unknown>, next) => merge(merged, next, recursive), {});
  },
  /** Nested lists made flat (all levels, or `levels` of them), as Ansible's flatten. */
  flatten: (value: unknown, levels?: number) => (Array.isArray(value) ? value.flat(levels ?? Number.POSITIVE_INFINITY) : value),
  /** Quoted for a POSIX shell, as Ansible's quote (Python's shlex.quote). */
  quote: (value: unknown) => {
    const text = String(value ?? '');
    return text !== '' && /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'"'"'`)}'`;
  },
  /** Every match, as Ansible's regex_findall (the groups when the pattern has some). */
  regex_findall: (value: unknown, pattern: string) =>
    [...String(value ?? '').matchAll(new RegExp(pattern, 'g'))].map((match) =>
      match.length > 2 ? match.slice(1) : (match[1] ?? match[0]),
    ),
  /** Text with every regex metacharacter escaped, as Ansible's regex_escape. */
  regex_escape: (value: unknown) => String(value ?? '').replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&'),
};

/** A call's positional values, and its keyword values (nunjucks passes them last, marked). */
export function splitKeywords(args: readonly unknown[]): { positional: unknown[]; keywords: Record<string, unknown> } {
  const last = args.at(-1) as { __keywords?: unknown } | undefined;
  if (typeof last !== 'object' || last === null || last.__keywords !== true) return { positional: [...args], keywords: {} };
  const { __keywords: _marker, ...keywords } = last as Record<string, unknown>;
  return { positional: args.slice(0, -1), keywords };
}

function merge(into: Record<string, unknown>, next: unknown, recursive: boolean): Record<string, unknown> {
  const out = { ...into };
  for (const [key, value] of Object.entries((next ?? {}) as object)) {
    const old = out[key];
    const both = recursive && isDict(old) && isDict(value);
    out[key] = both ? merge(old as Record<string, unknown>, value, true) : value;
  }
  return out;
}

function isDict(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A Python re.sub replacement (`\\1`, `\\g<1>`, a literal `$`) as a JavaScript one. */
function pythonReplacement(replacement: string): string {
  return replacement
    .replace(/\$/g, '$$$$')
    .replace(/\\g<(\d+)>|\\(\d)/g, (_match, named: string | undefined, digit: string | undefined) => `$${named ?? digit}`);
}

/** The context nunjucks calls a filter with. */
interface FilterContext {
  readonly env: nunjucks.Environment;
}

type Keywords = { readonly __keywords: true; readonly attribute?: unknown; readonly default?: unknown };

/**
 * Jinja's map, which nunjucks lacks: `xs | map(attribute='group_id')` (a dotted path;
 * `default=` for items without it) or `xs | map('lower')` (a filter and its arguments).
 */
function mapFilter(this: FilterContext, value: unknown, ...args: unknown[]): unknown[] {
  let items: unknown[] = [...String(value ?? '')];
  if (Array.isArray(value)) items = value;
  else if (value !== null && typeof value === 'object') items = Object.keys(value);
  const last = args.at(-1) as Keywords | undefined;
  if (last !== null && typeof last === 'object' && last.__keywords === true && last.attribute !== undefined) {
    const path = String(last.attribute).split('.');
    const lookup = (nunjucks as unknown as { runtime: { memberLookup: (obj: unknown, key: string) => unknown } }).runtime.memberLookup;
    return items.map((item) => {
      if (Object.hasOwn(last, 'default')) {
        let found: unknown = item;
        for (const key of path)
          found =
            found !== null && typeof found === 'object' && Object.hasOwn(found, key) ? (found as Record<string, unknown>)[key] : undefined;
        return found === undefined ? last.default : found;
      }
      // Through the runtime, so a missing attribute counts as undefined where undefined is strict.
      return path.reduce<unknown>((found, key) => lookup(found, key), item);
    });
  }
  const [name, ...rest] = args;
  const filter = this.env.getFilter(String(name)) as (...a: unknown[]) => unknown;
  return items.map((item) => filter.call(this, item, ...rest));
}
