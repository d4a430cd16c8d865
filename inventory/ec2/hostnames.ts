import type { HostnamePreference } from './config.ts';
import type { InstanceData } from './fetch.ts';

const FIELDS: Record<string, string> = {
  'private-dns-name': 'private_dns_name',
  'private-ip-address': 'private_ip_address',
  'ip-address': 'public_ip_address',
  'dns-name': 'public_dns_name',
  'instance-id': 'instance_id',
};

/** The first preference that gives a non-empty value; the instance id when none does. */
export function preferredName(instance: InstanceData, preferences: readonly HostnamePreference[]): string {
  for (const { source } of preferences) {
    const value = source.startsWith('tag:')
      ? (instance.tags as Record<string, string> | undefined)?.[source.slice(4)]
      : instance[FIELDS[source]!];
    if (typeof value === 'string' && value.trim() !== '') return value.trim();
  }
  return String(instance.instance_id);
}

/**
 * Host names for a set of instances. Two instances never become one host:
 * when several instances would share a name (two `Name=web-1` tags), each of
 * them is named `NAME_INSTANCEID`, whatever order EC2 listed them in.
 */
export function assignNames(instances: readonly InstanceData[], preferences: readonly HostnamePreference[]): string[] {
  const names = instances.map((i) => preferredName(i, preferences));
  const count = new Map<string, number>();
  for (const n of names) count.set(n, (count.get(n) ?? 0) + 1);
  return names.map((n, i) => (count.get(n)! > 1 ? `${n}_${String(instances[i]!.instance_id)}` : n));
}
