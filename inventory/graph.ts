import { invalid, type Origin } from './origin.ts';

/** One variable as written in a source, with where it was written (for error messages). */
export type VarTable = Map<string, unknown>;

/** A group while an inventory is being read. */
export interface GroupNode {
  readonly name: string;
  /** Hosts named directly in this group, in the order first seen. */
  readonly hosts: string[];
  readonly hostSet: Set<string>;
  /** Child groups, in the order added. */
  readonly children: string[];
  readonly parents: string[];
  readonly vars: VarTable;
  readonly varOrigins: Map<string, Origin>;
  /** `ansible_group_priority`: among groups of equal depth, higher wins. */
  priority: number;
  origin?: Origin;
}

/** A host while an inventory is being read. */
export interface HostNode {
  readonly name: string;
  readonly vars: VarTable;
  readonly varOrigins: Map<string, Origin>;
  /** Groups that list this host directly (not their parents). */
  readonly groups: string[];
  readonly origin?: Origin;
}

/**
 * The inventory as its sources describe it, before variables are merged: the
 * same model as Ansible's InventoryData (groups `all` and `ungrouped` always
 * exist; `all` is the root; several sources add to one graph).
 */
export class InventoryGraph {
  readonly groups = new Map<string, GroupNode>();
  readonly hosts = new Map<string, HostNode>();
  /** Directories whose group_vars/ and host_vars/ apply, in source order. */
  readonly varsDirs: string[] = [];

  constructor() {
    this.addGroup('all');
    this.addGroup('ungrouped');
    this.addChild('all', 'ungrouped');
  }

  addGroup(name: string, origin?: Origin): GroupNode {
    let group = this.groups.get(name);
    if (group === undefined) {
      if (name === '') throw invalid('group', 'empty group name', origin);
      group = {
        name,
        hosts: [],
        hostSet: new Set(),
        children: [],
        parents: [],
        vars: new Map(),
        varOrigins: new Map(),
        priority: 1,
      };
      if (origin !== undefined) group.origin = origin;
      this.groups.set(name, group);
    } else if (group.origin === undefined && origin !== undefined) {
      group.origin = origin;
    }
    return group;
  }

  /** Adds a host (once) and, when `group` is given, puts it in that group. */
  addHost(name: string, group: string | undefined, origin?: Origin): HostNode {
    let host = this.hosts.get(name);
    if (host === undefined) {
      if (name === '') throw invalid('host', 'empty host name', origin);
      host = { name, vars: new Map(), varOrigins: new Map(), groups: [], ...(origin === undefined ? {} : { origin }) };
      this.hosts.set(name, host);
    }
    if (group !== undefined) {
      const node = this.addGroup(group, origin);
      if (!node.hostSet.has(name)) {
        node.hostSet.add(name);
        node.hosts.push(name);
        host.groups.push(group);
      }
    }
    return host;
  }

  /** Makes `child` a child group of `parent`; refuses a cycle, naming the path it would close. */
  addChild(parent: string, child: string, origin?: Origin): void {
    const p = this.addGroup(parent, origin);
    const c = this.addGroup(child, origin);
    if (p.children.includes(child)) return;
    if (parent === child) throw invalid('children', `group '${parent}' cannot be its own child`, origin);
    const path = this.pathDown(child, parent);
    if (path !== undefined) {
      throw invalid('children', `adding '${child}' under '${parent}' makes a cycle: ${[parent, ...path].join(' → ')}`, origin);
    }
    p.children.push(child);
    c.parents.push(parent);
  }

  setGroupVar(group: string, key: string, value: unknown, origin: Origin): void {
    const node = this.addGroup(group, origin);
    // As Ansible: the priority is a property of the group, not a variable hosts see.
    if (key === 'ansible_group_priority') {
      const priority = typeof value === 'number' ? value : Number(value);
      if (!Number.isInteger(priority)) throw invalid(key, `must be an integer, got ${JSON.stringify(value)}`, origin);
      node.priority = priority;
      return;
    }
    node.vars.set(key, value);
    node.varOrigins.set(key, origin);
  }

  setHostVar(host: string, key: string, value: unknown, origin: Origin): void {
    const node = this.addHost(host, undefined, origin);
    node.vars.set(key, value);
    node.varOrigins.set(key, origin);
  }

  /** Groups on a path from `from` down to `to` (inclusive), if `to` is below `from`. */
  private pathDown(from: string, to: string): string[] | undefined {
    const seen = new Set<string>();
    const walk = (name: string): string[] | undefined => {
      if (name === to) return [name];
      if (seen.has(name)) return undefined;
      seen.add(name);
      for (const kid of this.groups.get(name)?.children ?? []) {
        const rest = walk(kid);
        if (rest !== undefined) return [name, ...rest];
      }
      return undefined;
    };
    return walk(from);
  }

  /**
   * Ansible's reconcile step, run once every source is read: a group with no
   * parent goes under `all`; a host in no group but `all` goes to `ungrouped`;
   * a host in `ungrouped` and in a real group leaves `ungrouped`.
   */
  reconcile(): void {
    for (const group of this.groups.values()) {
      if (group.name !== 'all' && group.parents.length === 0) this.addChild('all', group.name);
    }
    const ungrouped = this.groups.get('ungrouped')!;
    for (const host of this.hosts.values()) {
      const real = host.groups.filter((g) => g !== 'all' && g !== 'ungrouped');
      if (real.length > 0 && ungrouped.hostSet.has(host.name)) {
        ungrouped.hostSet.delete(host.name);
        ungrouped.hosts.splice(ungrouped.hosts.indexOf(host.name), 1);
        host.groups.splice(host.groups.indexOf('ungrouped'), 1);
      } else if (real.length === 0 && !ungrouped.hostSet.has(host.name)) {
        this.addHost(host.name, 'ungrouped');
      }
    }
  }
}
