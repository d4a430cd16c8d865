import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { isMap, isScalar, isSeq, type Node } from 'yaml';
import { checkJinjaExpression, checkJinjaTemplate } from '../../compiler/jinja.ts';
import { invalid, type Origin } from '../origin.ts';
import { describe, type YamlFile } from '../yaml-file.ts';
import { isFilterAttribute } from './filter-attributes.ts';
import { KNOWN_REGIONS } from './regions.ts';

/** A keyed_groups entry: hosts grouped by the value of the Jinja2 expression `key` (`prefix` + `separator` + value). */
export interface KeyedGroup {
  readonly key: string;
  readonly keyAt: Origin;
  readonly prefix: string;
  readonly separator: string;
  /** A template (`"{{ … }}"` allowed), sanitised as a group name. */
  readonly parentGroup?: string;
  readonly defaultValue?: string;
  /** Unset, true or false: Ansible tells unset apart from true. */
  readonly trailingSeparator?: boolean;
  readonly at: Origin;
}

/**
 * One `hostnames` entry: a preference (`tag:Name`, `tag:Role=web`, `tag:A,B`, a
 * DescribeInstances filter name such as `private-ip-address`, or literal text), or the
 * dict form `{name, prefix, separator}`.
 */
export type HostnameRule =
  | { readonly kind: 'preference'; readonly source: string; readonly at: Origin }
  | { readonly kind: 'prefixed'; readonly name: string; readonly prefix?: string; readonly separator: string; readonly at: Origin };

/** A DescribeInstances filter. */
export interface Ec2Filter {
  readonly name: string;
  readonly values: readonly string[];
}

/** A named Jinja2 expression from `compose` or `groups`, where it was written. */
export interface NamedExpression {
  readonly name: string;
  readonly expression: string;
  readonly at: Origin;
}

/** An aws_ec2 inventory plugin config, validated. */
export interface Ec2Config {
  readonly file: string;
  /** Empty: every region the account has (DescribeRegions), as Ansible. */
  readonly regions: readonly { name: string; at: Origin }[];
  readonly regionsAt: Origin;
  /** One DescribeInstances per entry and region (`filters` is the first); instance-state-name added where absent. */
  readonly includeFilters: readonly (readonly Ec2Filter[])[];
  /** Instances any of these match are left out, whatever the include filters say. */
  readonly excludeFilters: readonly (readonly Ec2Filter[])[];
  readonly filtersAt: Origin;
  /** Empty: the mode's default (Ansible's, or bosun's with `bosun_defaults`). */
  readonly hostnames: readonly HostnameRule[];
  readonly compose: readonly NamedExpression[];
  readonly groups: readonly NamedExpression[];
  readonly keyedGroups: readonly KeyedGroup[];
  readonly leadingSeparator: boolean;
  /** Errors in compose, groups and keyed_groups fail the load (else the entry is skipped for that host). */
  readonly strict: boolean;
  /** A 403 fails the load (else that region gives no host). */
  readonly strictPermissions: boolean;
  readonly hostvarsPrefix: string;
  readonly hostvarsSuffix: string;
  /** `ec2_tag_KEY` variables, as the old ec2.py script. */
  readonly contribTagKeys: boolean;
  /** ec2.py's group-name sanitising (ASCII, `-` kept). */
  readonly contribSanitization: boolean;
  /**
   * `bosun_defaults: true`: bosun's defaults instead of Ansible's: hostnames `tag:Name`,
   * `private-dns-name`, `private-ip-address`, `ip-address`, `instance-id` (every instance
   * is a host), and `ansible_host` set to the private IP (else the public IP) unless
   * compose sets it.
   */
  readonly bosunDefaults: boolean;
  readonly cache: boolean;
  /** Seconds a cached answer stays good. */
  readonly cacheTtl: number;
  readonly cacheDir: string;
  /** Override of the EC2 endpoint URL (a local test endpoint, a VPC endpoint). */
  readonly endpoint?: string;
  readonly profile?: string;
  readonly credentials?: { readonly accessKeyId: string; readonly secretAccessKey: string; readonly sessionToken?: string };
  /** Attempts per request, retries included (SDK standard retry mode; default 3). */
  readonly maxAttempts: number;
  /** Seconds to wait for a connection (default 10). */
  readonly connectTimeout: number;
  /** Seconds an attempt waits for the answer to start, then for the rest of it, before it fails and is retried (default 30). */
  readonly readTimeout: number;
}

const KEYED_GROUP_KEYS = new Set(['key', 'prefix', 'separator', 'parent_group', 'default_value', 'trailing_separator']);
const HOSTNAME_KEYS = new Set(['name', 'prefix', 'separator']);
// Ansible's aws_ec2 default: every instance that exists, not only running ones.
const DEFAULT_STATES = ['running', 'pending', 'stopping', 'stopped'];

const KNOWN_KEYS = new Set([
  'plugin',
  'regions',
  'filters',
  'include_filters',
  'exclude_filters',
  'hostnames',
  'allow_duplicated_hosts',
  'compose',
  'groups',
  'keyed_groups',
  'leading_separator',
  'strict',
  'strict_permissions',
  'use_extra_vars',
  'hostvars_prefix',
  'hostvars_suffix',
  'use_contrib_script_compatible_sanitization',
  'use_contrib_script_compatible_ec2_tag_keys',
  'include_extra_api_calls',
  'iam_role_arn',
  'aws_profile',
  'boto_profile',
  'profile',
  'aws_access_key',
  'aws_access_key_id',
  'aws_secret_key',
  'aws_secret_access_key',
  'aws_security_token',
  'cache',
  'cache_ttl',
  'cache_timeout',
  'cache_dir',
  'cache_connection',
  'cache_plugin',
  'cache_prefix',
  'endpoint',
  'endpoint_url',
  'max_attempts',
  'connect_timeout',
  'read_timeout',
  'bosun_defaults',
]);

// Options bosun refuses when turned on, and why.
const REFUSED_WHEN_TRUE: Record<string, string> = {
  allow_duplicated_hosts: 'bosun gives each instance exactly one host name',
  include_extra_api_calls: 'deprecated by amazon.aws and not supported',
  use_extra_vars: 'extra vars are not visible to inventory sources in bosun',
};

/**
 * Reads an aws_ec2 plugin config (`plugin: aws_ec2` or `amazon.aws.aws_ec2`) with the
 * plugin's defaults. Every key is checked: unknown keys, bad values, Jinja2 syntax errors
 * and filters bosun lacks are errors with the file and line.
 */
export function readEc2Config(yaml: YamlFile): Ec2Config {
  const file = yaml.file;
  const top = yaml.mapping(yaml.root, 'aws_ec2 config', { file })!;
  const fields = new Map(yaml.entries(top, 'aws_ec2 config').map((e) => [e.key, e]));
  const get = (name: string) => fields.get(name);
  const scalar = <T>(name: string, type: string, check: (v: unknown) => v is T): T | undefined => {
    const e = get(name);
    if (e === undefined || yaml.isEmpty(e.value)) return undefined;
    const v = yaml.value(e.value);
    if (!check(v)) throw invalid(name, `must be ${type}, got ${describe(v)}`, e.at);
    return v;
  };
  const str = (name: string) => scalar(name, 'a string', (v): v is string => typeof v === 'string');
  const bool = (name: string, fallback: boolean) => scalar(name, 'true or false', (v): v is boolean => typeof v === 'boolean') ?? fallback;
  const seconds = (name: string, fallback: number) => {
    const v = scalar(name, 'a number of seconds > 0', (x): x is number => typeof x === 'number' && x > 0);
    return v ?? fallback;
  };
  const whole = (name: string) =>
    scalar(name, 'a whole number', (v): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0);
  const first = (...names: string[]) => names.find((n) => get(n) !== undefined && !yaml.isEmpty(get(n)!.value));

  for (const [key, e] of fields) if (!KNOWN_KEYS.has(key)) throw invalid(key, 'unknown key in aws_ec2 config', e.at);
  for (const [key, why] of Object.entries(REFUSED_WHEN_TRUE)) {
    if (bool(key, false)) throw invalid(key, `cannot be true: ${why}`, get(key)!.at);
  }
  if (str('iam_role_arn') !== undefined) {
    throw invalid(
      'iam_role_arn',
      'is not supported: assume the role in the AWS profile (role_arn in ~/.aws/config)',
      get('iam_role_arn')!.at,
    );
  }
  const cachePlugin = str('cache_plugin');
  if (cachePlugin !== undefined && !/^(ansible\.builtin\.)?jsonfile$/.test(cachePlugin)) {
    throw invalid('cache_plugin', `only jsonfile is supported, got '${cachePlugin}'`, get('cache_plugin')!.at);
  }
  const endpointKey = first('endpoint', 'endpoint_url');
  const endpoint = endpointKey === undefined ? undefined : str(endpointKey);
  if (endpoint !== undefined && !/^https?:\/\/[^/\s]+/.test(endpoint)) {
    throw invalid(endpointKey!, `'${endpoint}' is not an http(s) URL`, get(endpointKey!)!.at);
  }
  const noJinja = (name: string | undefined): string | undefined => {
    if (name === undefined) return undefined;
    const value = str(name);
    if (value !== undefined && /{{|{%/.test(value)) {
      throw invalid(name, 'is a Jinja2 template; bosun does not template credentials: set them in the environment', get(name)!.at);
    }
    return value;
  };
  const profile = noJinja(first('aws_profile', 'boto_profile', 'profile'));
  const accessKeyId = noJinja(first('aws_access_key', 'aws_access_key_id'));
  const secretAccessKey = noJinja(first('aws_secret_key', 'aws_secret_access_key'));
  const sessionToken = noJinja(first('aws_security_token'));
  if ((accessKeyId === undefined) !== (secretAccessKey === undefined)) {
    const given =
      accessKeyId === undefined ? first('aws_secret_key', 'aws_secret_access_key')! : first('aws_access_key', 'aws_access_key_id')!;
    throw invalid(given, 'an access key needs both aws_access_key and aws_secret_key', get(given)!.at);
  }
  const cacheDirKey = first('cache_dir', 'cache_connection');
  const cacheDirText = cacheDirKey === undefined ? undefined : str(cacheDirKey);
  const cacheTtlKey = first('cache_ttl', 'cache_timeout');
  const maxAttempts = whole('max_attempts') ?? 3;
  if (maxAttempts < 1) throw invalid('max_attempts', 'must be at least 1', get('max_attempts')!.at);

  const filtersEntry = get('filters');
  const filters = readFilterMap(yaml, filtersEntry, 'filters');
  const include = list(yaml, get('include_filters'), 'include_filters').map(({ node, at }, i) =>
    readFilterMap(yaml, { key: 'include_filters', value: node, at }, `include_filters[${i}]`),
  );
  const exclude = list(yaml, get('exclude_filters'), 'exclude_filters').map(({ node, at }, i) =>
    readFilterMap(yaml, { key: 'exclude_filters', value: node, at }, `exclude_filters[${i}]`),
  );
  // The plugin's build_include_filters: `filters` first, then include_filters; nothing at all means one unfiltered query.
  let includeFilters = filters === undefined ? include : [filters, ...include];
  if (includeFilters.length === 0) includeFilters = [[]];

  return {
    file,
    ...readRegions(yaml, get('regions')),
    includeFilters: includeFilters.map(withDefaultStates),
    excludeFilters: exclude.map(withDefaultStates),
    filtersAt: filtersEntry?.at ?? get('include_filters')?.at ?? { file },
    hostnames: readHostnames(yaml, get('hostnames')),
    compose: readExpressions(yaml, get('compose'), 'compose'),
    groups: readExpressions(yaml, get('groups'), 'groups'),
    keyedGroups: readKeyedGroups(yaml, get('keyed_groups')),
    leadingSeparator: bool('leading_separator', true),
    strict: bool('strict', false),
    strictPermissions: bool('strict_permissions', true),
    hostvarsPrefix: str('hostvars_prefix') ?? '',
    hostvarsSuffix: str('hostvars_suffix') ?? '',
    contribTagKeys: bool('use_contrib_script_compatible_ec2_tag_keys', false),
    contribSanitization: bool('use_contrib_script_compatible_sanitization', false),
    bosunDefaults: bool('bosun_defaults', false),
    cache: bool('cache', false),
    cacheTtl: (cacheTtlKey === undefined ? undefined : whole(cacheTtlKey)) ?? 3600,
    cacheDir: cacheDirText === undefined ? defaultCacheDir() : resolve(dirname(file), cacheDirText),
    maxAttempts,
    connectTimeout: seconds('connect_timeout', 10),
    readTimeout: seconds('read_timeout', 30),
    ...(endpoint === undefined ? {} : { endpoint }),
    ...(profile === undefined ? {} : { profile }),
    ...(accessKeyId === undefined || secretAccessKey === undefined
      ? {}
      : { credentials: { accessKeyId, secretAccessKey, ...(sessionToken === undefined ? {} : { sessionToken }) } }),
  };
}

type Entry = { key: string; value: Node | null; at: Origin } | undefined;

function list(yaml: YamlFile, entry: Entry, field: string): { node: Node; at: Origin }[] {
  if (entry === undefined || yaml.isEmpty(entry.value)) return [];
  const node = yaml.resolve(entry.value);
  if (!isSeq(node)) throw invalid(field, `must be a list, got ${describe(yaml.value(node))}`, entry.at);
  return node.items.map((item) => ({ node: item as Node, at: yaml.at(item as Node) }));
}

function readRegions(yaml: YamlFile, entry: Entry): { regions: { name: string; at: Origin }[]; regionsAt: Origin } {
  const regions = list(yaml, entry, 'regions').map(({ node, at }) => {
    const name = yaml.value(node);
    if (typeof name !== 'string') throw invalid('regions', `a region is a name, got ${describe(name)}`, at);
    if (!KNOWN_REGIONS.has(name)) {
      const near = [...KNOWN_REGIONS].filter((r) => r.startsWith(name.split('-')[0] ?? '')).slice(0, 8);
      throw invalid('regions', `unknown AWS region '${name}'${near.length > 0 ? ` (known: ${near.join(', ')}, …)` : ''}`, at);
    }
    return { name, at };
  });
  return { regions, regionsAt: entry?.at ?? { file: yaml.file } };
}

/** A filters mapping (`tag:Env: [prod, staging]`) as DescribeInstances filters; undefined when absent. */
function readFilterMap(yaml: YamlFile, entry: Entry, field: string): Ec2Filter[] | undefined {
  if (entry === undefined || yaml.isEmpty(entry.value)) return undefined;
  const map = yaml.mapping(entry.value, field, entry.at)!;
  return yaml.entries(map, field).map(({ key, value, at }) => {
    const raw = yaml.value(value);
    const values = Array.isArray(raw) ? raw : [raw];
    if (values.length === 0 || values.some((v) => v === null || typeof v === 'object')) {
      throw invalid(`${field}.${key}`, `must be a value or a list of values, got ${describe(raw)}`, at);
    }
    return { name: key, values: values.map(String) };
  });
}

function withDefaultStates(filters: readonly Ec2Filter[] | undefined): Ec2Filter[] {
  const list = [...(filters ?? [])];
  if (!list.some((f) => f.name === 'instance-state-name')) list.push({ name: 'instance-state-name', values: DEFAULT_STATES });
  return list;
}

/** A Jinja2 expression from the file: syntax and filter names are checked now, with its place. */
function expression(text: unknown, field: string, at: Origin): string {
  if (typeof text !== 'string' || text.trim() === '') {
    throw invalid(field, `must be a Jinja2 expression (a string), got ${describe(text)}`, at);
  }
  try {
    checkJinjaExpression(text, { field });
  } catch (error) {
    throw invalid(field, (error as Error).message.replace(`${field}: `, ''), at, error);
  }
  return text;
}

function readExpressions(yaml: YamlFile, entry: Entry, field: string): NamedExpression[] {
  if (entry === undefined || yaml.isEmpty(entry.value)) return [];
  const map = yaml.mapping(entry.value, field, entry.at)!;
  return yaml.entries(map, field).map(({ key, value, at }) => {
    const text = yaml.value(value);
    // `compose: {ansible_port: 22}` is a literal in Ansible too (a number renders as itself).
    const source = typeof text === 'number' || typeof text === 'boolean' ? String(text) : text;
    return { name: key, expression: expression(source, `${field}.${key}`, at), at };
  });
}

function readKeyedGroups(yaml: YamlFile, entry: Entry): KeyedGroup[] {
  return list(yaml, entry, 'keyed_groups').map(({ node, at }) => {
    if (!isMap(node)) throw invalid('keyed_groups', `an entry must be a mapping with a key, got ${describe(yaml.value(node))}`, at);
    const fields = new Map(yaml.entries(node, 'keyed_groups').map((e) => [e.key, e]));
    for (const [key, e] of fields) {
      if (!KEYED_GROUP_KEYS.has(key))
        throw invalid(`keyed_groups.${key}`, `unknown key (expected ${[...KEYED_GROUP_KEYS].join(', ')})`, e.at);
    }
    const text = (name: string): string | undefined => {
      const e = fields.get(name);
      if (e === undefined) return undefined;
      const v = yaml.value(e.value);
      if (v === null) return name === 'separator' || name === 'prefix' ? '' : undefined;
      if (typeof v !== 'string') throw invalid(`keyed_groups.${name}`, `must be a string, got ${describe(v)}`, e.at);
      return v;
    };
    const keyEntry = fields.get('key');
    if (keyEntry === undefined) throw invalid('keyed_groups.key', 'is required', at);
    const trailingEntry = fields.get('trailing_separator');
    const trailing = trailingEntry === undefined ? undefined : yaml.value(trailingEntry.value);
    if (trailing !== undefined && typeof trailing !== 'boolean') {
      throw invalid('keyed_groups.trailing_separator', 'must be true or false', trailingEntry!.at);
    }
    const defaultValue = text('default_value');
    if (trailing !== undefined && defaultValue !== undefined) {
      throw invalid('keyed_groups', 'default_value and trailing_separator cannot both be set', at);
    }
    const parentGroup = text('parent_group');
    return {
      key: expression(yaml.value(keyEntry.value), 'keyed_groups.key', keyEntry.at),
      keyAt: keyEntry.at,
      prefix: text('prefix') ?? '',
      separator: text('separator') ?? '_',
      at,
      ...(trailing === undefined ? {} : { trailingSeparator: trailing as boolean }),
      ...(parentGroup === undefined || parentGroup === '' ? {} : { parentGroup }),
      ...(defaultValue === undefined ? {} : { defaultValue }),
    };
  });
}

function readHostnames(yaml: YamlFile, entry: Entry): HostnameRule[] {
  return list(yaml, entry, 'hostnames').map(({ node, at }): HostnameRule => {
    if (isMap(node)) {
      const fields = new Map(yaml.entries(node, 'hostnames').map((e) => [e.key, e]));
      for (const [key, e] of fields) {
        if (!HOSTNAME_KEYS.has(key)) throw invalid(`hostnames.${key}`, 'unknown key (expected name, prefix, separator)', e.at);
      }
      const text = (name: string): string | undefined => {
        const e = fields.get(name);
        if (e === undefined) return undefined;
        const v = yaml.value(e.value);
        if (typeof v !== 'string') throw invalid(`hostnames.${name}`, `must be a string, got ${describe(v)}`, e.at);
        return v;
      };
      const name = text('name');
      if (name === undefined || name === '') throw invalid('hostnames.name', "a hostnames mapping needs a 'name'", at);
      const prefix = text('prefix');
      return {
        kind: 'prefixed',
        name: checkSource(name, at),
        separator: text('separator') ?? '_',
        at,
        ...(prefix === undefined ? {} : { prefix }),
      };
    }
    const source = isScalar(node) ? node.value : undefined;
    if (typeof source !== 'string' || source === '') {
      throw invalid(
        'hostnames',
        'an entry must be a name such as tag:Name or private-ip-address, or a {name, prefix, separator} mapping',
        at,
      );
    }
    return { kind: 'preference', source: checkSource(source, at), at };
  });
}

/** A hostnames source: Jinja2 is checked; `tag:…` must name a tag; other text is a filter name or, as in Ansible, a literal. */
function checkSource(source: string, at: Origin): string {
  if (source.includes('{{') || source.includes('{%')) {
    try {
      checkJinjaTemplate(source, { field: 'hostnames' });
    } catch (error) {
      throw invalid('hostnames', (error as Error).message.replace('hostnames: ', ''), at, error);
    }
    return source;
  }
  if (
    source.startsWith('tag:') &&
    source
      .slice(4)
      .split(',')
      .some((part) => part === '' || part.startsWith('='))
  ) {
    throw invalid('hostnames', `'${source}' names no tag (tag:KEY, tag:KEY=VALUE, tag:A,B)`, at);
  }
  if (!source.startsWith('tag:') && !isFilterAttribute(source) && /^[a-z]+(-[a-z0-9]+)*-(name|address|id)$/.test(source)) {
    // A likely misspelt filter (`public-dns-name`): Ansible would name every instance with this literal text.
    throw invalid('hostnames', `'${source}' is not a DescribeInstances filter name (did you mean dns-name or private-dns-name?)`, at);
  }
  return source;
}

function defaultCacheDir(): string {
  const base = process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache');
  return join(base, 'bosun', 'inventory');
}
