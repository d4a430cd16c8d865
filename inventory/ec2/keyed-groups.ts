import { pythonTruthy } from '../../compiler/jinja.ts';
import { ValidationError } from '../../compiler/errors.ts';
import type { KeyedGroup } from './config.ts';
import type { Sanitizer } from './safe-name.ts';
import { pythonStr, templateValue } from './templar.ts';

/** What a keyed_groups entry gives for one host: its groups, or nothing. */
export interface KeyedGroupResult {
  readonly groups: readonly string[];
  /** Why no group came out, for `strict` (undefined when there are groups, or nothing to say). */
  readonly empty?: string;
}

/**
 * The groups a host goes into for one keyed_groups entry, as Ansible's constructed
 * plugins (`_add_host_to_keyed_groups`): a string value gives PREFIX_VALUE; a list, one
 * group per item; a mapping (e.g. `key: tags`), PREFIX_KEY_VALUE per entry (`trailing_separator:
 * false` drops the separator of an empty value, `default_value` stands in for it). An empty
 * value gives no group unless `default_value` is set. A number or boolean is refused whatever
 * `strict` says, as Ansible refuses it. Evaluation errors (an undefined tag) are thrown.
 */
export function keyedGroupNames(
  entry: KeyedGroup,
  vars: Readonly<Record<string, unknown>>,
  leadingSeparator: boolean,
  sanitize: Sanitizer,
): KeyedGroupResult {
  const key = templateValue(entry.key, vars, { field: 'keyed_groups.key', at: entry.keyAt });
  const fallback = entry.defaultValue;
  if (!pythonTruthy(key) && !(key === '' && fallback !== undefined)) {
    const emptyContainer = (Array.isArray(key) && key.length === 0) || (typeof key === 'object' && key !== null && !Array.isArray(key));
    return { groups: [], ...(emptyContainer ? {} : { empty: `'${entry.key}' gave nothing (${JSON.stringify(key)})` }) };
  }
  const bare: string[] = [];
  if (typeof key === 'string') {
    bare.push(key === '' && fallback !== undefined ? fallback : key);
  } else if (Array.isArray(key)) {
    for (const item of key) bare.push(item === '' && fallback !== undefined ? fallback : pythonStr(item));
  } else if (key !== null && typeof key === 'object') {
    for (const [name, value] of Object.entries(key)) {
      if (value === '' && fallback !== undefined) bare.push(`${name}${entry.separator}${fallback}`);
      else if (value === '' && entry.trailingSeparator === false) bare.push(name);
      else bare.push(`${name}${entry.separator}${pythonStr(value)}`);
    }
  } else {
    throw new KeyTypeError(
      'keyed_groups.key',
      `'${entry.key}' gives ${typeof key} ${pythonStr(key)}, not a string, list or mapping (Ansible refuses it too; use '${entry.key} | string')`,
      entry.keyAt,
    );
  }
  const separator = entry.prefix === '' && !leadingSeparator ? '' : entry.separator;
  return { groups: bare.map((b) => sanitize(`${entry.prefix}${separator}${b}`)) };
}

/** A keyed_groups key whose value cannot name a group (a number, a boolean): refused even without `strict`. */
export class KeyTypeError extends ValidationError {}
