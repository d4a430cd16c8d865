import nunjucks from 'nunjucks';
import { ValidationError } from './errors.ts';
import { JINJA_FILTERS } from './jinja-builtins.ts';
import { ANSIBLE_FILTERS } from './jinja-filters.ts';
import { installAnsibleRuntime } from './jinja-runtime.ts';
import { JINJA_TESTS } from './jinja-tests.ts';
import { filtersAndTests, freeVariables } from './jinja-variables.ts';

// Python-style literals and methods (True, None, 'a,b'.split(',')), output as Ansible writes it,
// and the lookups strict undefined watches: installed once, whichever copy of bosun comes first.
const state = installAnsibleRuntime();

/** Where a template came from, for errors: a file (and the field that named it). */
export interface JinjaSource {
  /** The template file, as the user wrote or bosun resolved it. */
  readonly file?: string;
  /** The field that holds the template or expression, e.g. `template(/etc/motd).src`. */
  readonly field: string;
}

/**
 * Renders a Jinja2 template (Ansible's dialect, through nunjucks) with `vars`. Pure: no
 * loader, no file access. A variable the template uses without a guard (`is defined`,
 * `default`) that `vars` lacks is an error naming it, the file and the line, as Ansible's
 * strict undefined is; so is any other template error.
 */
export function renderJinja(source: string, vars: Readonly<Record<string, unknown>>, where: JinjaSource): string {
  // Jinja2 writes the template's own line endings (CRLF, CR) as \n, Ansible's newline_sequence;
  // values keep theirs.
  const text = source.replace(/\r\n?/g, '\n');
  refuseUndefined(text, vars, where);
  try {
    return new nunjucks.Template(text, environment(), where.file ?? where.field, true).render({ ...vars });
  } catch (error) {
    throw jinjaError(error, where);
  }
}

/**
 * Evaluates one Jinja2 expression (`tags.Name | lower`, `x == 'a'`) to its value, not its
 * text: a list stays a list. For inventory keys such as `compose` and `groups`.
 *
 * Undefined is strict, as Ansible's: a variable, attribute or item that does not exist is
 * an error wherever it is used (`tags.Missing == 'x'`, `not tags.Missing`), unless a
 * `defined`/`undefined`/`none` test or a `default` filter takes it first. `and`/`or`
 * short-circuit as in Jinja, so `tags.Role is defined and tags.Role == 'web'` is false,
 * not an error, for a host without the tag.
 */
export function evaluateJinja(expression: string, vars: Readonly<Record<string, unknown>>, where: JinjaSource): unknown {
  const holder: { value?: unknown } = {};
  const source = `{{ (${expression}) | __bosun_capture }}`;
  refuseUndefined(source, vars, where);
  const missing: string[] = [];
  const outer = state.watch;
  state.watch = { missing, slicing: 0 };
  try {
    new nunjucks.Template(source, environment(holder), where.file ?? where.field, true).render({ ...vars });
  } catch (error) {
    throw jinjaError(error, where);
  } finally {
    state.watch = outer;
  }
  if (missing.length > 0) throw new ValidationError(where.field, `'${missing[0]}' is undefined`, located(where, 1, 1));
  return holder.value;
}

/**
 * Checks an expression without evaluating it: its syntax, and that every filter and test
 * it names exists (Ansible would find a misspelt filter only when it runs, and without
 * `strict` skip the entry silently). Throws a ValidationError naming the field.
 */
export function checkJinjaExpression(expression: string, where: JinjaSource): void {
  checkJinja(`{{ (${expression}) }}`, expression, where);
}

/** As checkJinjaExpression, for a whole template (`"{{ tags.Name }}-web"`). */
export function checkJinjaTemplate(template: string, where: JinjaSource): void {
  checkJinja(template, template, where);
}

function checkJinja(source: string, expression: string, where: JinjaSource): void {
  let names: ReturnType<typeof filtersAndTests>;
  try {
    names = filtersAndTests(source);
  } catch (error) {
    const { lineno, colno, message } = error as { lineno?: number; colno?: number; message?: string };
    throw new ValidationError(where.field, `${message ?? 'syntax error'} in '${expression}'`, {
      cause: error,
      ...(lineno === undefined || colno === undefined ? {} : located(where, lineno, colno)),
    });
  }
  const env = environment({});
  for (const name of names.filters) {
    try {
      env.getFilter(name);
    } catch {
      throw new ValidationError(where.field, `filter '${name}' is not available in bosun (in '${expression}')`, located(where, 1, 1));
    }
  }
  for (const name of names.tests) {
    try {
      (env as unknown as TestRegistry).getTest(name);
    } catch {
      throw new ValidationError(where.field, `test '${name}' is not available in bosun (in '${expression}')`, located(where, 1, 1));
    }
  }
}

/** Python's truth value of an evaluated expression, as Jinja's `{% if %}`: empty lists and mappings are false. */
export function pythonTruthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  if (value !== null && typeof value === 'object') return Object.keys(value).length > 0;
  return Boolean(value);
}

/** A guard (`is defined`, `| default`) saw an undefined value: the miss that made it is handled. */
function handled(value: unknown): void {
  if (value === undefined && state.watch !== undefined) state.watch.missing.pop();
}

function refuseUndefined(source: string, vars: Readonly<Record<string, unknown>>, where: JinjaSource): void {
  let free: ReturnType<typeof freeVariables>;
  try {
    free = freeVariables(source);
  } catch (error) {
    // The parser's errors carry their place (1-based) as fields, not yet in the message.
    const { lineno, colno, message } = error as { lineno?: number; colno?: number; message?: string };
    if (lineno === undefined || colno === undefined) throw jinjaError(error, where);
    throw new ValidationError(where.field, `${message ?? 'syntax error'}${inline(where, lineno, colno)}`, {
      cause: error,
      ...located(where, lineno, colno),
    });
  }
  for (const variable of free) {
    if (variable.guarded || Object.hasOwn(vars, variable.name) || GLOBALS.has(variable.name)) continue;
    throw new ValidationError(
      where.field,
      `'${variable.name}' is undefined${inline(where, variable.line, variable.column)}`,
      located(where, variable.line, variable.column),
    );
  }
}

// Names a template may use without defining them: nunjucks' own globals and jinja-compat literals.
const GLOBALS = new Set(['range', 'cycler', 'joiner', 'dict', 'True', 'False', 'None', 'true', 'false', 'none', 'loop', 'caller']);

/** Python's dict(): from key/value pairs (`dict(keys | zip(values))`) or keyword arguments (`dict(a=1)`). */
function pythonDict(...args: unknown[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const arg of args) {
    if (Array.isArray(arg)) for (const pair of arg) out[String((pair as unknown[])[0])] = (pair as unknown[])[1];
    else if (arg !== null && typeof arg === 'object') {
      for (const [k, v] of Object.entries(arg)) if (k !== '__keywords') out[k] = v;
    }
  }
  return out;
}

/** nunjucks' test registry, which its published types leave out. */
interface TestRegistry {
  addTest(name: string, test: (value: unknown) => boolean): void;
  getTest(name: string): unknown;
}

function environment(holder?: { value?: unknown }): nunjucks.Environment {
  const env = new nunjucks.Environment(null, { autoescape: false, throwOnUndefined: true, trimBlocks: true });
  for (const [name, filter] of Object.entries({ ...JINJA_FILTERS, ...ANSIBLE_FILTERS })) env.addFilter(name, filter);
  for (const [name, test] of Object.entries(JINJA_TESTS))
    (env as unknown as TestRegistry).addTest(name, test as (value: unknown) => boolean);
  env.addGlobal('dict', pythonDict);
  if (holder !== undefined) {
    env.addFilter('__bosun_capture', (value: unknown) => {
      holder.value = value;
      return '';
    });
    // The guards of strict undefined (see evaluateJinja).
    const fallback = (value: unknown, otherwise: unknown = '', boolean = false): unknown => {
      handled(value);
      return value === undefined || (boolean && !value) ? otherwise : value;
    };
    env.addFilter('default', fallback);
    env.addFilter('d', fallback);
    const tests = env as unknown as TestRegistry;
    tests.addTest('defined', (value: unknown) => {
      handled(value);
      return value !== undefined;
    });
    tests.addTest('undefined', (value: unknown) => {
      handled(value);
      return value === undefined;
    });
    tests.addTest('none', (value: unknown) => {
      handled(value);
      return value === null;
    });
  }
  return env;
}

/** The error's location: the template file's line and column, when the template is a file. */
function located(where: JinjaSource, line: number, column: number): { file?: string; line?: number; column?: number } {
  return where.file === undefined ? {} : { file: where.file, line, column };
}

/** For a template given inline (no file), the place goes into the message itself. */
function inline(where: JinjaSource, line: number, column: number): string {
  return where.file === undefined ? ` (line ${line}, column ${column})` : '';
}

/** A nunjucks error ("(file) [Line 3, Column 1]\n  message") as a ValidationError naming file and line. */
function jinjaError(error: unknown, where: JinjaSource): ValidationError {
  const message = error instanceof Error ? error.message : String(error);
  const match = /^\(.*?\) \[Line (\d+), Column (\d+)\]\n\s*([\s\S]*)$/.exec(message);
  if (match === null) return new ValidationError(where.field, message, { cause: error, ...(where.file && { file: where.file }) });
  const [, line = '0', column = '0', what = ''] = match;
  const words = what.includes('attempted to output null or undefined value') ? 'an undefined value is output' : what.trim();
  return new ValidationError(where.field, `${words}${inline(where, Number(line), Number(column))}`, {
    cause: error,
    ...located(where, Number(line), Number(column)),
  });
}
