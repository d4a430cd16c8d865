import { pythonTruthy, renderJinja } from '../../compiler/jinja.ts';
import type { HostnameRule } from './config.ts';
import type { InstanceData } from './fetch.ts';
import { filterAttribute } from './filter-attributes.ts';
import { safeHostName, type Sanitizer } from './safe-name.ts';
import { pythonStr } from './templar.ts';

/** Ansible's aws_ec2 default: the public DNS name, else the private DNS name (else the instance is left out). */
export const ANSIBLE_HOSTNAMES: readonly HostnameRule[] = ['dns-name', 'private-dns-name'].map((source) => ({
  kind: 'preference',
  source,
  at: { file: '' },
}));

/** With `bosun_defaults: true`: the Name tag first, then addresses, then the instance id, so every instance is a host. */
export const BOSUN_HOSTNAMES: readonly HostnameRule[] = [
  'tag:Name',
  'private-dns-name',
  'private-ip-address',
  'ip-address',
  'instance-id',
].map((source) => ({ kind: 'preference', source, at: { file: '' } }));

/**
 * The name an instance gets from the first rule that gives one, as amazon.aws.aws_ec2
 * (`_get_preferred_hostname`): `tag:K` is the tag's value; `tag:K=V` gives `K_V` when
 * the tag has that value; `tag:A,B` tries A then B; a DescribeInstances filter name
 * (`dns-name`, `private-ip-address`, …) is that attribute; any other text is a literal;
 * a `{name, prefix, separator}` rule gives PREFIX + SEPARATOR + NAME (each resolved the
 * same way) or NAME alone when the prefix gives nothing; bosun also renders an entry with
 * Jinja2 in it (`"{{ tags.Name | lower }}"`), which gives no name when it uses a variable the
 * instance lacks. A name with `:` is sanitised.
 * Undefined when no rule gives a name.
 */
export function preferredName(instance: InstanceData, rules: readonly HostnameRule[], sanitize: Sanitizer): string | undefined {
  for (const rule of rules) {
    let name: string | undefined;
    if (rule.kind === 'prefixed') {
      name = preferredName(instance, [simple(rule.name)], sanitize);
      const prefix = rule.prefix === undefined ? undefined : preferredName(instance, [simple(rule.prefix)], sanitize);
      if (name !== undefined && prefix !== undefined) name = `${prefix}${rule.separator}${name}`;
    } else if (isTemplate(rule.source)) {
      name = rendered(rule.source, instance);
    } else {
      const value = rule.source.startsWith('tag:') ? tagNames(rule.source.slice(4), instance)[0] : filterAttribute(rule.source, instance);
      if (pythonTruthy(value)) name = pythonStr(value);
    }
    if (name !== undefined) return safeHostName(name, sanitize);
  }
  return undefined;
}

/** A hostnames entry with Jinja2 in it (bosun's: Ansible would take it as literal text). */
export function isTemplate(source: string): boolean {
  return source.includes('{{') || source.includes('{%');
}

/** The template rendered over the instance's variables; undefined when it uses what the instance lacks, or gives ''. */
function rendered(source: string, instance: InstanceData): string | undefined {
  try {
    const text = renderJinja(source, instance, { field: 'hostnames' }).trim();
    return text === '' ? undefined : text;
  } catch {
    return undefined;
  }
}

function simple(source: string): HostnameRule {
  return { kind: 'preference', source, at: { file: '' } };
}

/** The names `tag:A,B=v` gives, in order: A's value, then `B_v` when B is v. */
function tagNames(spec: string, instance: InstanceData): string[] {
  const tags = (instance.tags ?? {}) as Record<string, string>;
  const names: string[] = [];
  for (const part of spec.split(',')) {
    const eq = part.indexOf('=');
    if (eq >= 0) {
      const [key, value] = [part.slice(0, eq), part.slice(eq + 1)];
      if (tags[key] === value) names.push(`${key}_${value}`);
    } else if (tags[part]) {
      names.push(tags[part]);
    }
  }
  return names;
}

/**
 * Host names for a set of instances (undefined for one no rule names). Two instances
 * never become one host, and a host keeps its name as the fleet changes: of the
 * instances that would share a name, the one launched first (then the lowest instance
 * id) keeps it, and each other is named `NAME_INSTANCEID`. So launching a second
 * `Name=web-1` leaves the existing `web-1` as it is; the newcomer is `web-1_i-0…`.
 */
export function assignNames(
  instances: readonly InstanceData[],
  rules: readonly HostnameRule[],
  sanitize: Sanitizer,
): (string | undefined)[] {
  const names = instances.map((i) => preferredName(i, rules, sanitize));
  const holders = new Map<string, number>();
  instances.forEach((instance, i) => {
    const name = names[i];
    if (name === undefined) return;
    const current = holders.get(name);
    if (current === undefined || launchedBefore(instance, instances[current]!)) holders.set(name, i);
  });
  return names.map((name, i) => {
    if (name === undefined || holders.get(name) === i) return name;
    return safeHostName(`${name}_${String(instances[i]!.instance_id)}`, sanitize);
  });
}

function launchedBefore(a: InstanceData, b: InstanceData): boolean {
  const [ta, tb] = [Date.parse(String(a.launch_time)), Date.parse(String(b.launch_time))];
  if (ta !== tb && !Number.isNaN(ta) && !Number.isNaN(tb)) return ta < tb;
  return String(a.instance_id) < String(b.instance_id);
}
