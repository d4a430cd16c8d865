import { connectionFor } from './connection.ts';
import type { GroupNode, InventoryGraph } from './graph.ts';
import type { Host } from '../compiler/host.ts';
import type { Origin } from './origin.ts';
import type { VarLayer, VarsDirectory } from './vars-files.ts';
import { byCodeUnits } from './byte-order.ts';

/** Origin given to variables from `-e`. */
export const EXTRA_VARS_ORIGIN: Origin = { file: '(-e extra vars)' };

/** A resolved group: its own variables (inventory, then group_vars/ files) and its members. */
export interface Group {
  readonly name: string;
  /** Hosts listed directly in the group, in inventory order. */
  readonly hosts: readonly string[];
  /** Child groups, in the order they were added. */
  readonly children: readonly string[];
  readonly parents: readonly string[];
  /** The group's own variables: from the inventory source, then its group_vars/ files. */
  readonly vars: Readonly<Record<string, unknown>>;
  /** Longest distance from `all` (which is 0): deeper groups win on conflicting variables. */
  readonly depth: number;
  /** `ansible_group_priority` (1 when unset): higher wins among groups of equal depth. */
  readonly priority: number;
}

/** Everything resolution produces, before any limit. */
export interface Resolved {
  readonly hosts: ReadonlyMap<string, Host>;
  readonly groups: ReadonlyMap<string, Group>;
}

/**
 * Merges every host's variables with Ansible's precedence (later wins, keys
 * replaced whole, not deep-merged):
 *
 * 1. `all` group vars from inventory sources
 * 2. other groups' vars from inventory sources, parents before children
 *    (by depth, then ansible_group_priority, then name)
 * 3. `group_vars/all` files
 * 4. `group_vars/<group>` files, same group order
 * 5. host vars from inventory sources
 * 6. `host_vars/<host>` files
 * 7. extra vars (`-e`)
 */
export function resolveInventory(
  graph: InventoryGraph,
  dirs: readonly VarsDirectory[],
  extraVars: Readonly<Record<string, unknown>>,
): Resolved {
  const depth = depths(graph);
  const order = [...graph.groups.values()]
    .filter((g) => g.name !== 'all')
    .sort((a, b) => depth.get(a.name)! - depth.get(b.name)! || a.priority - b.priority || byCodeUnits(a.name, b.name));
  const rank = new Map(order.map((g, i) => [g.name, i]));
  const ancestors = ancestorSets(graph);
  const all = graph.groups.get('all')!;
  const extra: VarLayer = {
    vars: new Map(Object.entries(extraVars)),
    varOrigins: new Map(Object.keys(extraVars).map((k) => [k, EXTRA_VARS_ORIGIN])),
  };

  // Hosts with the same groups share the merged group layers (thousands of hosts, a few group sets).
  const groupLayerCache = new Map<string, { groups: string[]; layers: VarLayer[]; merged: Map<string, unknown> }>();
  const hosts = new Map<string, Host>();
  for (const node of graph.hosts.values()) {
    const mine = new Set<string>();
    for (const g of node.groups) for (const a of ancestors.get(g)!) mine.add(a);
    mine.delete('all');
    const sorted = [...mine].sort((a, b) => rank.get(a)! - rank.get(b)!);
    const key = sorted.join('\n');
    let shared = groupLayerCache.get(key);
    if (shared === undefined) {
      const layers: VarLayer[] = [all, ...sorted.map((g) => graph.groups.get(g)!)];
      for (const dir of dirs) {
        const file = dir.groups.get('all');
        if (file !== undefined) layers.push(file);
      }
      for (const dir of dirs) {
        for (const g of sorted) {
          const file = dir.groups.get(g);
          if (file !== undefined) layers.push(file);
        }
      }
      shared = { groups: ['all', ...sorted], layers, merged: merge(layers) };
      groupLayerCache.set(key, shared);
    }
    const own: VarLayer[] = [node];
    for (const dir of dirs) {
      const file = dir.hosts.get(node.name);
      if (file !== undefined) own.push(file);
    }
    own.push(extra);
    const merged = new Map(shared.merged);
    for (const layer of own) for (const [k, v] of layer.vars) merged.set(k, v);
    const vars = Object.freeze(Object.fromEntries(merged));
    const layers = [...shared.layers, ...own];
    const originOf = (k: string): Origin | undefined => {
      for (let i = layers.length - 1; i >= 0; i--) {
        const at = layers[i]!.varOrigins.get(k);
        if (at !== undefined) return at;
      }
      return node.origin;
    };
    hosts.set(
      node.name,
      Object.freeze({
        name: node.name,
        groups: Object.freeze(shared.groups),
        vars,
        connection: Object.freeze(connectionFor(node.name, vars, originOf)),
      }),
    );
  }

  const groups = new Map<string, Group>();
  for (const g of graph.groups.values()) groups.set(g.name, publicGroup(g, dirs, depth.get(g.name)!));
  return { hosts, groups };
}

function merge(layers: readonly VarLayer[]): Map<string, unknown> {
  const merged = new Map<string, unknown>();
  for (const layer of layers) for (const [k, v] of layer.vars) merged.set(k, v);
  return merged;
}

function publicGroup(g: GroupNode, dirs: readonly VarsDirectory[], depth: number): Group {
  const layers: VarLayer[] = [g];
  for (const dir of dirs) {
    const file = dir.groups.get(g.name);
    if (file !== undefined) layers.push(file);
  }
  return Object.freeze({
    name: g.name,
    hosts: Object.freeze([...g.hosts]),
    children: Object.freeze([...g.children]),
    parents: Object.freeze([...g.parents]),
    vars: Object.freeze(Object.fromEntries(merge(layers))),
    depth,
    priority: g.priority,
  });
}

/** Longest path from `all`, as Ansible's group depth. */
function depths(graph: InventoryGraph): Map<string, number> {
  const depth = new Map<string, number>([['all', 0]]);
  const visit = (name: string): number => {
    const known = depth.get(name);
    if (known !== undefined) return known;
    const parents = graph.groups.get(name)!.parents;
    const d = parents.length === 0 ? 0 : Math.max(...parents.map(visit)) + 1;
    depth.set(name, d);
    return d;
  };
  for (const name of graph.groups.keys()) visit(name);
  return depth;
}

/** For each group, itself and every group above it. */
function ancestorSets(graph: InventoryGraph): Map<string, ReadonlySet<string>> {
  const sets = new Map<string, ReadonlySet<string>>();
  const visit = (name: string): ReadonlySet<string> => {
    const known = sets.get(name);
    if (known !== undefined) return known;
    const set = new Set<string>([name]);
    for (const parent of graph.groups.get(name)!.parents) for (const a of visit(parent)) set.add(a);
    sets.set(name, set);
    return set;
  };
  for (const name of graph.groups.keys()) visit(name);
  return sets;
}
