/**
 * The SDK's PascalCase shapes in Ansible's snake_case (amazon.aws camel_dict_to_snake_dict):
 * `PrivateIpAddress` → `private_ip_address`, `VpcId` → `vpc_id`. Dates are written as
 * Ansible prints boto3's datetimes (`2024-01-01T00:00:00+00:00`), so the result is plain
 * JSON (cacheable, printable).
 */
export function snakeCase(value: unknown): unknown {
  if (value instanceof Date) return pythonIsoTime(value);
  if (Array.isArray(value)) return value.map(snakeCase);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[snakeName(k)] = snakeCase(v);
    return out;
  }
  return value;
}

/** amazon.aws _camel_to_snake (not reversible): `TargetGroupARNs` → `target_group_arns`, `DNSName` → `dns_name`. */
export function snakeName(name: string): string {
  // Pluralised abbreviations at the end (`ARNs`) stay one word.
  let s = name.replace(/[A-Z]{3,}s$/, (m) => `_${m.toLowerCase()}`);
  if (s.startsWith('_') && !name.startsWith('_')) s = s.slice(1);
  return s
    .replace(/(.)([A-Z][a-z]+)/g, '$1_$2')
    .replace(/([a-z0-9])([A-Z]+)/g, '$1_$2')
    .toLowerCase();
}

/** Python's datetime.isoformat() of an aware UTC time: seconds, microseconds only when non-zero, `+00:00`. */
export function pythonIsoTime(date: Date): string {
  const iso = date.toISOString(); // 2024-01-01T00:00:00.123Z
  const ms = date.getUTCMilliseconds();
  return `${iso.slice(0, 19)}${ms === 0 ? '' : `.${String(ms).padStart(3, '0')}000`}+00:00`;
}
