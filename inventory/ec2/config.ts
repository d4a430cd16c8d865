import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { isMap, isScalar, isSeq, type Node } from 'yaml';
import { invalid, type Origin } from '../origin.ts';
import { describe, type YamlFile } from '../yaml-file.ts';
import { parseExpression, type Expression } from './expression.ts';
import { KNOWN_REGIONS } from './regions.ts';

/** A keyed_groups entry: hosts grouped by the value of `key` (`prefix` + `separator` + value). */
export interface KeyedGroup {
  readonly key: Expression;
  readonly prefix: string;
  readonly separator: string;
  readonly parentGroup?: string;
  readonly defaultValue?: string;
  readonly trailingSeparator: boolean;
  readonly at: Origin;
}

/** A hostnames preference: `tag:Name`, `private-dns-name`, `private-ip-address`, `ip-address`, `dns-name`, `instance-id`. */
export interface HostnamePreference {
  readonly source: string;
  readonly at: Origin;
}

/** An aws_ec2 inventory plugin config, validated. */
export interface Ec2Config {
  readonly file: string;
  readonly regions: readonly { name: string; at: Origin }[];
  /** DescribeInstances filters, in the order written (instance-state-name added when absent). */
  readonly filters: readonly { name: string; values: string[] }[];
  readonly filtersAt: Origin;
  readonly keyedGroups: readonly KeyedGroup[];
  readonly leadingSeparator: boolean;
  readonly hostnames: readonly HostnamePreference[];
  readonly compose: readonly { name: string; expression: Expression; at: Origin }[];
  readonly cache: boolean;
  /** Seconds a cached answer stays good. */
  readonly cacheTtl: number;
  readonly cacheDir: string;
  /** Override of the EC2 endpoint URL (a local test endpoint, a VPC endpoint). */
  readonly endpoint?: string;
  readonly profile?: string;
  /** Attempts per request, retries included (SDK standard retry mode). */
  readonly maxAttempts?: number;
}

const HOSTNAME_SOURCES = new Set(['private-dns-name', 'private-ip-address', 'ip-address', 'dns-name', 'instance-id']);
const KEYED_GROUP_KEYS = new Set(['key', 'prefix', 'separator', 'parent_group', 'default_value', 'trailing_separator']);
export const DEFAULT_HOSTNAMES = ['tag:Name', 'private-dns-name', 'private-ip-address', 'ip-address', 'instance-id'];
// Ansible's aws_ec2 default: every instance that exists, not only running ones.
const DEFAULT_STATES = ['running', 'pending', 'stopping', 'stopped'];

/**
 * Reads an aws_ec2 plugin config (`plugin: aws_ec2` or `amazon.aws.aws_ec2`).
 * Every key is checked; unknown keys and Jinja that bosun cannot evaluate are
 * errors with the file and line.
 */
export function readEc2Config(yaml: YamlFile): Ec2Config {
  const file = yaml.file;
  const top = yaml.mapping(yaml.root, 'aws_ec2 config', { file })!;
  const fields = new Map(yaml.entries(top, 'aws_ec2 config').map((e) => [e.key, e]));
  const get = (name: string) => fields.get(name);
  const str = (name: string): string | undefined => {
    const e = get(name);
    if (e === undefined || yaml.isEmpty(e.value)) return undefined;
    const v = yaml.value(e.value);
    if (typeof v !== 'string') throw invalid(name, `must be a string, got ${describe(v)}`, e.at);
    return v;
  };
  const bool = (name: string, fallback: boolean): boolean => {
    const e = get(name);
    if (e === undefined || yaml.isEmpty(e.value)) return fallback;
    const v = yaml.value(e.value);
    if (typeof v !== 'boolean') throw invalid(name, `must be true or false, got ${describe(v)}`, e.at);
    return v;
  };
  const int = (name: string): number | undefined => {
    const e = get(name);
    if (e === undefined || yaml.isEmpty(e.value)) return undefined;
    const v = yaml.value(e.value);
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw invalid(name, `must be a whole number, got ${describe(v)}`, e.at);
    return v;
  };

  const known = new Set([
    'plugin',
    'regions',
    'filters',
    'keyed_groups',
    'leading_separator',
    'hostnames',
    'compose',
    'cache',
    'cache_ttl',
    'cache_timeout',
    'cache_dir',
    'cache_connection',
    'cache_plugin',
    'endpoint',
    'endpoint_url',
    'profile',
    'aws_profile',
    'max_attempts',
  ]);
  for (const [key, e] of fields) {
    if (!known.has(key)) {
      const hint = key === 'groups' ? ' (conditional groups are Jinja, which bosun does not evaluate; use keyed_groups)' : '';
      throw invalid(key, `unknown key in aws_ec2 config${hint}`, e.at);
    }
  }
  const cachePlugin = str('cache_plugin');
  if (cachePlugin !== undefined && !/^(ansible\.builtin\.)?jsonfile$/.test(cachePlugin)) {
    throw invalid('cache_plugin', `only jsonfile is supported, got '${cachePlugin}'`, get('cache_plugin')!.at);
  }

  const endpoint = str('endpoint') ?? str('endpoint_url');
  if (endpoint !== undefined && !/^https?:\/\/[^/\s]+/.test(endpoint)) {
    throw invalid('endpoint', `'${endpoint}' is not an http(s) URL`, (get('endpoint') ?? get('endpoint_url'))!.at);
  }
  const maxAttempts = int('max_attempts');
  const profile = str('profile') ?? str('aws_profile');
  const cacheDirText = str('cache_dir') ?? str('cache_connection');
  const cacheTtl = int('cache_ttl') ?? int('cache_timeout') ?? 3600;

  return {
    file,
    regions: readRegions(yaml, get('regions')),
    ...readFilters(yaml, get('filters'), file),
    keyedGroups: readKeyedGroups(yaml, get('keyed_groups')),
    leadingSeparator: bool('leading_separator', true),
    hostnames: readHostnames(yaml, get('hostnames')),
    compose: readCompose(yaml, get('compose')),
    cache: bool('cache', false),
    cacheTtl,
    cacheDir: cacheDirText === undefined ? defaultCacheDir() : resolve(dirname(file), cacheDirText),
    ...(endpoint === undefined ? {} : { endpoint }),
    ...(profile === undefined ? {} : { profile }),
    ...(maxAttempts === undefined ? {} : { maxAttempts }),
  };
}

type Entry = { key: string; value: Node | null; at: Origin } | undefined;

function list(yaml: YamlFile, entry: Entry, field: string): { node: Node; at: Origin }[] {
  if (entry === undefined || yaml.isEmpty(entry.value)) return [];
  const node = yaml.resolve(entry.value);
  if (!isSeq(node)) throw invalid(field, `must be a list, got ${describe(yaml.value(node))}`, entry.at);
  return node.items.map((item) => ({ node: item as Node, at: yaml.at(item as Node) }));
}

function readRegions(yaml: YamlFile, entry: Entry): { name: string; at: Origin }[] {
  const items = list(yaml, entry, 'regions');
  if (items.length === 0)
    throw invalid('regions', 'give at least one region (e.g. regions: [us-east-1])', entry?.at ?? { file: yaml.file });
  return items.map(({ node, at }) => {
    const name = yaml.value(node);
    if (typeof name !== 'string') throw invalid('regions', `a region is a name, got ${describe(name)}`, at);
    if (!KNOWN_REGIONS.has(name)) {
      const near = [...KNOWN_REGIONS].filter((r) => r.startsWith(name.split('-')[0] ?? '')).slice(0, 8);
      throw invalid('regions', `unknown AWS region '${name}'${near.length > 0 ? ` (known: ${near.join(', ')}, …)` : ''}`, at);
    }
    return { name, at };
  });
}

function readFilters(yaml: YamlFile, entry: Entry, file: string): { filters: { name: string; values: string[] }[]; filtersAt: Origin } {
  const filtersAt = entry?.at ?? { file };
  const filters: { name: string; values: string[] }[] = [];
  if (entry !== undefined && !yaml.isEmpty(entry.value)) {
    const map = yaml.mapping(entry.value, 'filters', entry.at)!;
    for (const { key, value, at } of yaml.entries(map, 'filters')) {
      const raw = yaml.value(value);
      const values = Array.isArray(raw) ? raw : [raw];
      if (values.length === 0 || values.some((v) => v === null || typeof v === 'object')) {
        throw invalid(`filters.${key}`, `must be a value or a list of values, got ${describe(raw)}`, at);
      }
      filters.push({ name: key, values: values.map(String) });
    }
  }
  if (!filters.some((f) => f.name === 'instance-state-name')) filters.push({ name: 'instance-state-name', values: DEFAULT_STATES });
  return { filters, filtersAt };
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
      if (typeof v !== 'string') throw invalid(`keyed_groups.${name}`, `must be a string, got ${describe(v)}`, e.at);
      return v;
    };
    const keyText = text('key');
    if (keyText === undefined) throw invalid('keyed_groups.key', 'is required', at);
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
      key: parseExpression(keyText, 'keyed_groups.key', fields.get('key')!.at),
      prefix: text('prefix') ?? '',
      separator: text('separator') ?? '_',
      trailingSeparator: trailing ?? true,
      at,
      ...(parentGroup === undefined ? {} : { parentGroup }),
      ...(defaultValue === undefined ? {} : { defaultValue }),
    };
  });
}

function readHostnames(yaml: YamlFile, entry: Entry): HostnamePreference[] {
  const items = list(yaml, entry, 'hostnames');
  if (items.length === 0) return DEFAULT_HOSTNAMES.map((source) => ({ source, at: { file: yaml.file } }));
  return items.map(({ node, at }) => {
    const source = isScalar(node) ? node.value : undefined;
    if (typeof source !== 'string') {
      throw invalid('hostnames', 'an entry must be a name such as tag:Name or private-ip-address', at);
    }
    if (!HOSTNAME_SOURCES.has(source) && !/^tag:.+/.test(source)) {
      throw invalid('hostnames', `unknown hostname source '${source}' (tag:KEY, ${[...HOSTNAME_SOURCES].join(', ')})`, at);
    }
    return { source, at };
  });
}

function readCompose(yaml: YamlFile, entry: Entry): { name: string; expression: Expression; at: Origin }[] {
  if (entry === undefined || yaml.isEmpty(entry.value)) return [];
  const map = yaml.mapping(entry.value, 'compose', entry.at)!;
  return yaml.entries(map, 'compose').map(({ key, value, at }) => {
    const text = yaml.value(value);
    if (typeof text !== 'string') throw invalid(`compose.${key}`, `must be an expression string, got ${describe(text)}`, at);
    return { name: key, expression: parseExpression(text, `compose.${key}`, at), at };
  });
}

function defaultCacheDir(): string {
  const base = process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache');
  return join(base, 'bosun', 'inventory');
}
