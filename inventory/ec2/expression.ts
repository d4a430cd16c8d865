import { invalid, type Origin } from '../origin.ts';

/**
 * The part of Jinja that keyed_groups `key` and `compose` values need in
 * practice: a variable path (`tags.Role`, `tags['scheduler:ebs-snapshot']`,
 * `placement.availability_zone`) or a quoted string literal. bosun does not
 * evaluate Jinja; anything else is refused at load with the file and line.
 */
export type Expression = { readonly kind: 'path'; readonly path: readonly string[] } | { readonly kind: 'literal'; readonly value: string };

export function parseExpression(text: string, field: string, at: Origin): Expression {
  const source = text.trim();
  const literal = /^(['"])(.*)\1$/s.exec(source);
  if (literal && !literal[2]!.includes(literal[1]!)) return { kind: 'literal', value: literal[2]! };
  const path: string[] = [];
  const token = /^(?:\.?([A-Za-z_][A-Za-z0-9_]*)|\[\s*(['"])(.*?)\2\s*\]|\[\s*(\d+)\s*\])/;
  let rest = source;
  while (rest !== '') {
    const m = token.exec(rest);
    if (m === null || (path.length === 0 && !m[1])) {
      throw invalid(
        field,
        `'${text}' is not a variable path (like tags.Role or tags['a:b']) or a quoted string; bosun does not evaluate Jinja`,
        at,
      );
    }
    if (path.length === 0 && m[0].startsWith('.')) throw invalid(field, `'${text}' starts with '.'`, at);
    path.push(m[1] ?? m[3] ?? m[4]!);
    rest = rest.slice(m[0].length);
  }
  if (path.length === 0) throw invalid(field, 'is empty', at);
  return { kind: 'path', path };
}

/** The value of an expression over host variables; undefined when a path step is missing. */
export function evaluate(expression: Expression, vars: Readonly<Record<string, unknown>>): unknown {
  if (expression.kind === 'literal') return expression.value;
  let value: unknown = vars;
  for (const step of expression.path) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, step)) return undefined;
    value = (value as Record<string, unknown>)[step];
  }
  return value;
}
