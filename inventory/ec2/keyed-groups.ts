import type { KeyedGroup } from './config.ts';
import { evaluate } from './expression.ts';

/** Group names are sanitised as Ansible's "always" mode: anything but letters, digits and _ becomes _. */
export function safeGroupName(name: string): string {
  return name.replace(/[^A-Za-z0-9_]/g, '_');
}

/**
 * The groups a host goes into for one keyed_groups entry, as Ansible's
 * constructed plugins: a string value gives PREFIX_VALUE; a list, one group
 * per item; a mapping (e.g. `key: tags`), PREFIX_KEY_VALUE per entry. A
 * missing or empty value gives no group unless `default_value` is set.
 */
export function keyedGroupNames(entry: KeyedGroup, vars: Readonly<Record<string, unknown>>, leadingSeparator: boolean): string[] {
  const value = evaluate(entry.key, vars);
  const fallback = entry.defaultValue;
  const bare: string[] = [];
  const scalar = (v: unknown): string | undefined => {
    if (v === undefined || v === null) return undefined;
    const text = typeof v === 'object' ? JSON.stringify(v) : String(v);
    if (text === '') return fallback;
    return text;
  };
  if (Array.isArray(value)) {
    for (const item of value) {
      const name = scalar(item);
      if (name !== undefined) bare.push(name);
    }
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      const text = v === null || v === undefined ? '' : String(v);
      if (text !== '') bare.push(`${k}${entry.separator}${text}`);
      else if (fallback !== undefined) bare.push(`${k}${entry.separator}${fallback}`);
      else bare.push(entry.trailingSeparator ? `${k}${entry.separator}` : k);
    }
  } else if (value !== '' || fallback !== undefined) {
    const name = scalar(value);
    if (name !== undefined && name !== '') bare.push(name);
  }
  const separator = entry.prefix === '' && !leadingSeparator ? '' : entry.separator;
  return bare.map((b) => safeGroupName(`${entry.prefix}${separator}${b}`));
}
