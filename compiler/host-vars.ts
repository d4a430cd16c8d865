import { ValidationError } from './errors.ts';
import type { Host } from './host.ts';

/**
 * A host variable (inventory, group vars, `-e`) as text, for a play's `roles: (host) => […]`:
 * a string as it is, a number as its digits (`-e port=8080` gives a string, `port: 8080` in
 * YAML a number), undefined when the host has no such variable; anything else (a list, a
 * mapping, true) is a ValidationError naming the variable. `hostText(host, 'app_dir') ?? '/srv/app'`
 * gives a default.
 */
export function hostText(host: Host, name: string): string | undefined {
  const value = host.vars[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string' && typeof value !== 'number') throw new ValidationError(name, `must be text, got ${JSON.stringify(value)}`);
  return String(value);
}
