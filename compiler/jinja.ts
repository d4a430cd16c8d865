import nunjucks from 'nunjucks';
import { ValidationError } from './errors.ts';
import { JINJA_FILTERS } from './jinja-builtins.ts';
import { ANSIBLE_FILTERS } from './jinja-filters.ts';
import { installAnsibleRuntime } from './jinja-runtime.ts';
import { JINJA_TESTS } from './jinja-tests.ts';
import { freeVariables } from './jinja-variables.ts';

// Python-style literals and methods (True, None, 'a,b'.split(',')), and output as Ansible writes it.
installAnsibleRuntime();

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
 */
export function evaluateJinja(expression: string, vars: Readonly<Record<string, unknown>>, where: JinjaSource): unknown {
  const holder: { value?: unknown } = {};
  const source = `{{ (${expression}) | __bosun_capture }}`;
  refuseUndefined(source, vars, where);
  try {
    new nunjucks.Template(source, environment(holder), where.file ?? where.field, true).render({ ...vars });
  } catch (error) {
    throw jinjaError(error, where);
  }
  return holder.value;
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
const GLOBALS = new Set(['range', 'cycler', 'joiner', 'True', 'False', 'None', 'true', 'false', 'none', 'loop', 'caller']);

function environment(holder?: { value?: unknown }): nunjucks.Environment {
  const env = new nunjucks.Environment(null, { autoescape: false, throwOnUndefined: true, trimBlocks: true });
  for (const [name, filter] of Object.entries({ ...JINJA_FILTERS, ...ANSIBLE_FILTERS })) env.addFilter(name, filter);
  // addTest is nunjucks' own (its published types leave it out).
  const tests = env as unknown as { addTest(name: string, test: (...args: never[]) => boolean): void };
  for (const [name, test] of Object.entries(JINJA_TESTS)) tests.addTest(name, test);
  if (holder !== undefined)
    env.addFilter('__bosun_capture', (value: unknown) => {
      holder.value = value;
      return '';
    });
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
