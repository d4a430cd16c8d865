/**
 * Orders strings by UTF-16 code units, as Python's sorted() orders ASCII names:
 * Ansible reads directories and sorts groups this way, and `localeCompare` would not.
 */
export function byCodeUnits(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}
