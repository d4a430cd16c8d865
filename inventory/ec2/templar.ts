import { evaluateJinja, pythonTruthy, renderJinja } from '../../compiler/jinja.ts';
import type { Origin } from '../origin.ts';
import { parsePythonLiteral } from '../python-literal.ts';

/** Where an expression was written, for errors: the config field and its place. */
export interface ExpressionSite {
  readonly field: string;
  readonly at: Origin;
}

// Ansible's Templar.SINGLE_VAR: `{{ name }}` alone passes a number or boolean through untouched.
const SINGLE_VAR = /^\s*(\w*)\s*$/;

/**
 * What Ansible's inventory plugins (compose, keyed_groups keys) get from an expression,
 * as ansible-core 2.14's Templar gives it: a bare variable holding a number or a boolean
 * keeps its type; anything else is rendered to text, then text that reads as a Python
 * list, dict or boolean (`[1, 2]`, `{'a': 1}`, `True`) becomes one, and None is ''. So
 * `state.code` is the string '16' while `ami_launch_index` stays the number 0.
 * Throws (ValidationError) on an undefined variable or attribute, as Ansible's strict
 * undefined does.
 */
export function templateValue(expression: string, vars: Readonly<Record<string, unknown>>, site: ExpressionSite): unknown {
  const bare = SINGLE_VAR.exec(expression)?.[1];
  if (bare !== undefined && bare !== '' && Object.hasOwn(vars, bare)) {
    const value = vars[bare];
    if (typeof value === 'number' || typeof value === 'boolean') return value;
    if (value === null) return null;
  }
  const value = evaluateJinja(expression, vars, { file: site.at.file, field: site.field });
  if (value === undefined || value === null) return '';
  if (typeof value === 'number') return pythonStr(value);
  if (typeof value !== 'string') return value;
  if (value.startsWith('[') || value.startsWith('{') || value === 'True' || value === 'False') {
    const literal = parsePythonLiteral(value);
    if (literal.ok) return literal.value;
  }
  return value;
}

/** Whether a `groups:` conditional holds, with Python's truth (an empty list is false). */
export function conditionHolds(condition: string, vars: Readonly<Record<string, unknown>>, site: ExpressionSite): boolean {
  return pythonTruthy(evaluateJinja(condition, vars, { file: site.at.file, field: site.field }));
}

/** A template string (`parent_group: "{{ 'env' }}"`); plain text comes back as it is. */
export function templateText(text: string, vars: Readonly<Record<string, unknown>>, site: ExpressionSite): string {
  if (!text.includes('{{') && !text.includes('{%')) return text;
  return renderJinja(text, vars, { file: site.at.file, field: site.field });
}

/** Python's str() of a value, as `'%s' % value` writes it into a group name. */
export function pythonStr(value: unknown): string {
  if (typeof value === 'string') return value;
  return pythonRepr(value);
}

function pythonRepr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  if (Array.isArray(value)) return `[${value.map(pythonRepr).join(', ')}]`;
  if (typeof value === 'object')
    return `{${Object.entries(value)
      .map(([k, v]) => `${pythonRepr(k)}: ${pythonRepr(v)}`)
      .join(', ')}}`;
  return String(value);
}
