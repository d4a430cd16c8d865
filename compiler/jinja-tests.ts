/**
 * Tests (`x is match('^web')`) that Ansible templates use and nunjucks lacks, with Ansible's and
 * Jinja2's meaning.
 */
export const JINJA_TESTS: Readonly<Record<string, (...args: never[]) => boolean>> = {
  /** The pattern matches at the start, as Python's re.match. */
  match: (value: unknown, pattern: string, ignorecase = false) => new RegExp(`^(?:${pattern})`, ignorecase ? 'i' : '').test(String(value)),
  /** The pattern matches anywhere, as Python's re.search. */
  search: (value: unknown, pattern: string, ignorecase = false) => new RegExp(pattern, ignorecase ? 'i' : '').test(String(value)),
  /** The same as search (Ansible's `regex` test without match_type). */
  regex: (value: unknown, pattern: string, ignorecase = false) => new RegExp(pattern, ignorecase ? 'i' : '').test(String(value)),
  /** Membership, as Python's `in`: an item of a list, a key of a dict, a part of a text. */
  in: (value: unknown, container: unknown) => contains(container, value),
  /** The container holds the value: `xs is contains(3)`. */
  contains: (container: unknown, value: unknown) => contains(container, value),
  boolean: (value: unknown) => typeof value === 'boolean',
  true: (value: unknown) => value === true,
  false: (value: unknown) => value === false,
  integer: (value: unknown) => Number.isInteger(value),
  float: (value: unknown) => typeof value === 'number' && !Number.isInteger(value),
  sequence: (value: unknown) => Array.isArray(value) || typeof value === 'string',
  /**
   * Ansible's version test: `ansible_distribution_version is version('12', '>=')`. Versions
   * compare part by part, numbers as numbers (`1.10` > `1.9`), as its loose comparison does.
   */
  version: (value: unknown, other: unknown, operator = '==') => {
    const order = compareVersions(String(value), String(other));
    const test = VERSION_OPERATORS[operator];
    if (test === undefined) throw new Error(`version: unknown operator ${JSON.stringify(operator)}`);
    return test(order);
  },
};

const VERSION_OPERATORS: Readonly<Record<string, (order: number) => boolean>> = {
  '==': (o) => o === 0,
  eq: (o) => o === 0,
  '!=': (o) => o !== 0,
  ne: (o) => o !== 0,
  '<': (o) => o < 0,
  lt: (o) => o < 0,
  '<=': (o) => o <= 0,
  le: (o) => o <= 0,
  '>': (o) => o > 0,
  gt: (o) => o > 0,
  '>=': (o) => o >= 0,
  ge: (o) => o >= 0,
};

function contains(container: unknown, value: unknown): boolean {
  if (Array.isArray(container)) return container.includes(value);
  if (typeof container === 'string') return container.includes(String(value));
  if (typeof container === 'object' && container !== null) return Object.hasOwn(container, String(value));
  return false;
}

function compareVersions(a: string, b: string): number {
  const parts = (text: string): (number | string)[] => (text.match(/\d+|[a-z]+/gi) ?? []).map((p) => (/^\d+$/.test(p) ? Number(p) : p));
  const [left, right] = [parts(a), parts(b)];
  for (let i = 0; i < Math.max(left.length, right.length); i += 1) {
    const [x, y] = [left[i], right[i]];
    if (x === y) continue;
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    if (typeof x === typeof y) return x < y ? -1 : 1;
    return typeof x === 'number' ? 1 : -1;
  }
  return 0;
}
