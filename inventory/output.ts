import type { Connection } from '../compiler/host.ts';
import type { Inventory } from './inventory.ts';

/** ansible-inventory's `--list` JSON: one entry per non-empty group, and `_meta.hostvars`. */
export interface ListOutput {
  readonly _meta: { readonly hostvars: Record<string, Record<string, unknown>> };
  readonly [group: string]: unknown;
}

/**
 * The inventory in the shape of `ansible-inventory --list`: for each group
 * reachable from `all`, its direct `hosts` and `children` (empty lists left
 * out, empty groups left out, `all` never lists hosts), and every host's
 * merged variables under `_meta.hostvars` (hosts without variables left out).
 * Under a limit, only hosts within it appear (as ansible-inventory 2.15+).
 */
export function listOutput(inventory: Inventory): ListOutput {
  const result: Record<string, unknown> = {};
  const seen = new Set<string>();
  const visit = (name: string): void => {
    const group = inventory.groups.get(name)!;
    const entry: Record<string, string[]> = {};
    if (name !== 'all' && group.hosts.length > 0) entry.hosts = [...group.hosts];
    if (group.children.length > 0) entry.children = [...group.children];
    if (Object.keys(entry).length > 0) result[name] = entry;
    for (const kid of group.children) {
      if (!seen.has(kid)) {
        seen.add(kid);
        visit(kid);
      }
    }
  };
  visit('all');
  const hostvars: Record<string, Record<string, unknown>> = {};
  for (const host of inventory.hosts()) {
    if (Object.keys(host.vars).length > 0) hostvars[host.name] = { ...host.vars };
  }
  return { ...result, _meta: { hostvars } };
}

/** `ansible-inventory --graph [GROUP]` lines: `@group:` then children, then hosts, indented with `  |--`. */
export function graphLines(inventory: Inventory, group = 'all'): string[] {
  const lines: string[] = [];
  const indent = (depth: number, text: string): string => (depth === 0 ? text : `${'  |'.repeat(depth)}--${text}`);
  const visit = (name: string, depth: number): void => {
    const g = inventory.groups.get(name)!;
    lines.push(indent(depth, `@${name}:`));
    for (const kid of g.children) visit(kid, depth + 1);
    if (name !== 'all') for (const host of g.hosts) lines.push(indent(depth + 1, host));
  };
  visit(group, 0);
  return lines;
}

/** The group tree as JSON for machines: `{ name, hosts, children: [...] }`. */
export interface GraphNode {
  readonly name: string;
  readonly hosts: readonly string[];
  readonly children: readonly GraphNode[];
}

export function graphTree(inventory: Inventory, group = 'all'): GraphNode {
  const g = inventory.groups.get(group)!;
  return { name: group, hosts: group === 'all' ? [] : g.hosts, children: g.children.map((kid) => graphTree(inventory, kid)) };
}

/** JSON as Python's `json.dumps(sort_keys=True, indent=4)`, the format ansible-inventory prints. */
export function sortedJson(value: unknown): string {
  return JSON.stringify(sortKeys(value), null, 4);
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      Object.defineProperty(out, key, {
        value: sortKeys((value as Record<string, unknown>)[key]),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  return value;
}

/** One line saying how a host is reached: `ssh deploy@10.0.0.5:2222 (become root)`, `local`, `chroot /srv/root`. */
export function describeConnection(connection: Connection): string {
  if (connection.transport === 'chroot') return `chroot ${connection.root}`;
  const become = connection.become?.enabled === true ? ` (become ${connection.become.user ?? 'root'})` : '';
  if (connection.transport === 'local') return `local${become}`;
  const user = connection.user === undefined ? '' : `${connection.user}@`;
  const port = connection.port === undefined ? '' : `:${connection.port}`;
  const key = connection.privateKeyFile === undefined ? '' : ` key ${connection.privateKeyFile}`;
  const jump = connection.proxyJump === undefined ? '' : ` via ${connection.proxyJump}`;
  const args = connection.extraArgs === undefined ? '' : ` args ${JSON.stringify(connection.extraArgs)}`;
  return `ssh ${user}${connection.address}${port}${key}${jump}${args}${become}`;
}
