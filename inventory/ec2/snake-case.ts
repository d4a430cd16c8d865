/**
 * The SDK's PascalCase shapes in Ansible's snake_case (camel_dict_to_snake_dict):
 * `PrivateIpAddress` → `private_ip_address`, `VpcId` → `vpc_id`. Dates become
 * ISO strings, so the result is plain JSON (cacheable, printable).
 */
export function snakeCase(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(snakeCase);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[snakeName(k)] = snakeCase(v);
    return out;
  }
  return value;
}

export function snakeName(name: string): string {
  return name
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase();
}
