import nunjucks from 'nunjucks';

/** A variable a template reads from its context, where it first does. */
export interface FreeVariable {
  readonly name: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based. */
  readonly column: number;
  /** Every use is under `is defined`/`is undefined`/`is none` or a `default` filter: absence is handled. */
  readonly guarded: boolean;
}

/** nunjucks' parser, which its published types leave out. */
interface NunjucksParser {
  parse(source: string, extensions: unknown[], options: object): unknown;
}

interface AstNode {
  readonly typename: string;
  readonly fields: readonly string[];
  readonly lineno: number;
  readonly colno: number;
  readonly [field: string]: unknown;
}

// Tests and filters that make an undefined variable harmless, as Ansible's strict undefined allows.
const GUARD_TESTS = new Set(['defined', 'undefined', 'none']);
const GUARD_FILTERS = new Set(['default', 'd']);

/**
 * The variables a template reads without binding them itself (`set`, `for`, macro
 * arguments bind), from nunjucks' own parser. Throws the parser's error on bad syntax.
 */
export function freeVariables(source: string): FreeVariable[] {
  const found = new Map<string, { line: number; column: number; guarded: boolean }>();
  const visit = (node: unknown, bound: ReadonlySet<string>, guarded: boolean): void => {
    if (!isNode(node)) return;
    const at = { line: node.lineno + 1, column: node.colno + 1 };
    switch (node.typename) {
      case 'Symbol': {
        const name = String(node.value);
        if (bound.has(name)) return;
        const seen = found.get(name);
        if (seen === undefined) found.set(name, { ...at, guarded });
        else if (seen.guarded && !guarded) found.set(name, { ...at, guarded: false });
        return;
      }
      case 'Is':
        // The right side names the test, not a variable.
        visit(node.left, bound, guarded || GUARD_TESTS.has(testName(node.right)));
        return;
      case 'Filter': {
        // The filter's name is not a variable; `x | default(…)` guards x.
        const args = (node.args as AstNode | undefined)?.children as unknown[] | undefined;
        const name = (node.name as AstNode | undefined)?.value;
        const [input, ...rest] = args ?? [];
        visit(input, bound, guarded || GUARD_FILTERS.has(String(name)));
        for (const arg of rest) visit(arg, bound, guarded);
        return;
      }
      case 'FunCall':
        visit(node.name, bound, guarded);
        visit(node.args, bound, guarded);
        return;
      case 'For':
      case 'AsyncEach':
      case 'AsyncAll': {
        visit(node.arr, bound, guarded);
        const inner = new Set([...bound, ...targets(node.name), 'loop']);
        visit(node.body, inner, guarded);
        visit(node.else_, bound, guarded);
        return;
      }
      case 'Set': {
        visit(node.value, bound, guarded);
        visit(node.body, bound, guarded);
        for (const name of targets(node.targets)) (bound as Set<string>).add(name);
        return;
      }
      case 'Macro': {
        const inner = new Set([...bound, ...targets(node.args), 'caller']);
        visit(node.body, inner, guarded);
        (bound as Set<string>).add(String((node.name as AstNode).value));
        return;
      }
      case 'LookupVal':
        // `a.b`: only `a` is read from the context; `b` is a key.
        visit(node.target, bound, guarded);
        if (!isNode(node.val) || node.val.typename !== 'Literal') visit(node.val, bound, guarded);
        return;
      case 'Pair':
        // A dict literal's key is a name, not a variable, when written bare.
        if (!isNode(node.key) || node.key.typename !== 'Symbol') visit(node.key, bound, guarded);
        visit(node.value, bound, guarded);
        return;
      default:
        for (const field of node.fields) {
          const value = node[field];
          if (Array.isArray(value)) for (const child of value) visit(child, bound, guarded);
          else visit(value, bound, guarded);
        }
        // NodeList-like nodes keep their children apart from `fields`.
        if (Array.isArray(node.children) && !node.fields.includes('children'))
          for (const child of node.children) visit(child, bound, guarded);
    }
  };
  visit((nunjucks as unknown as { parser: NunjucksParser }).parser.parse(source, [], {}), new Set(), false);
  return [...found].map(([name, place]) => ({ name, ...place }));
}

function isNode(value: unknown): value is AstNode {
  return typeof value === 'object' && value !== null && typeof (value as { typename?: unknown }).typename === 'string';
}

function testName(node: unknown): string {
  if (!isNode(node)) return '';
  if (node.typename === 'Symbol') return String(node.value);
  if (node.typename === 'FunCall') return testName(node.name);
  return '';
}

/** The names a `for`/`set` target or macro argument list binds. */
function targets(node: unknown): string[] {
  if (!isNode(node)) return Array.isArray(node) ? node.flatMap(targets) : [];
  if (node.typename === 'Symbol') return [String(node.value)];
  if (node.typename === 'KeywordArgs') return ((node.children as unknown[]) ?? []).flatMap((pair) => targets((pair as AstNode).key));
  const children = (node.children as unknown[] | undefined) ?? [];
  return children.flatMap(targets);
}

/** The filters (`x | lower`) and tests (`x is defined`) a template names. Throws the parser's error on bad syntax. */
export function filtersAndTests(source: string): { filters: string[]; tests: string[] } {
  const filters = new Set<string>();
  const tests = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const child of node) visit(child);
      return;
    }
    if (!isNode(node)) return;
    if (node.typename === 'Filter' || node.typename === 'FilterAsync') filters.add(String((node.name as AstNode | undefined)?.value));
    if (node.typename === 'Is' && testName(node.right) !== '') tests.add(testName(node.right));
    for (const field of node.fields) visit(node[field]);
    if (Array.isArray(node.children) && !node.fields.includes('children')) visit(node.children);
  };
  visit((nunjucks as unknown as { parser: NunjucksParser }).parser.parse(source, [], {}));
  return { filters: [...filters], tests: [...tests] };
}
