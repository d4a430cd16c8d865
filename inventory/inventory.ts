import { ValidationError } from '../compiler/errors.ts';
import type { Host } from '../compiler/host.ts';
import { matchPattern, type PatternTarget } from './pattern.ts';
import type { Group, Resolved } from './resolve.ts';

/**
 * A resolved inventory: hosts with merged variables and connections, groups,
 * and Ansible host patterns over them. Immutable; `limit` returns a new one.
 */
export class Inventory {
  private readonly target: PatternTarget;
  private readonly hostsOfCache = new Map<string, readonly string[]>();
  private groupView?: ReadonlyMap<string, Group>;

  /** @param subset host names kept by `limit`, or undefined for every host. */
  constructor(
    private readonly resolved: Resolved,
    private readonly subset?: ReadonlySet<string>,
  ) {
    const names = [...resolved.hosts.keys()];
    this.target = {
      groupNames: [...resolved.groups.keys()],
      hostNames: names,
      hasHost: (name) => resolved.hosts.has(name),
      hostsOf: (group) => this.allHostsOf(group),
    };
  }

  /** Every host (within the limit), in the order `select('all')` gives. */
  hosts(): Host[] {
    return this.select('all');
  }

  /** The host of that exact name, if it is in the inventory (and within the limit). */
  host(name: string): Host | undefined {
    if (this.subset !== undefined && !this.subset.has(name)) return undefined;
    return this.resolved.hosts.get(name);
  }

  /**
   * Groups by name, `all` and `ungrouped` included. Under a limit, a group's
   * `hosts` lists only hosts within the limit.
   */
  get groups(): ReadonlyMap<string, Group> {
    if (this.groupView === undefined) {
      const subset = this.subset;
      this.groupView =
        subset === undefined
          ? this.resolved.groups
          : new Map([...this.resolved.groups].map(([name, g]) => [name, { ...g, hosts: g.hosts.filter((h) => subset.has(h)) }]));
    }
    return this.groupView;
  }

  /**
   * Hosts matching an Ansible host pattern (see `matchPattern`): `all`, `*`,
   * names, globs, `~regex`, `a:b`, `a,b`, `a:&b`, `a:!b`. A pattern matching
   * nothing gives an empty list. Throws ValidationError for a bad regex or an
   * out-of-range subscript.
   */
  select(pattern: string): Host[] {
    const names = matchPattern(pattern, this.target);
    const subset = this.subset;
    const kept = subset === undefined ? names : names.filter((n) => subset.has(n));
    return kept.map((n) => this.resolved.hosts.get(n)!);
  }

  /**
   * This inventory restricted to the hosts matching `pattern` (as `--limit`).
   * Limits compose: a limited inventory limited again keeps the intersection.
   * A limit matching no host is a ValidationError on field `limit`: running
   * on nothing is never what was meant.
   */
  limit(pattern: string): Inventory {
    const hosts = this.select(pattern);
    if (hosts.length === 0) {
      throw new ValidationError('limit', `'${pattern}' matches no host${this.subset === undefined ? '' : ' within the current limit'}`);
    }
    return new Inventory(this.resolved, new Set(hosts.map((h) => h.name)));
  }

  private allHostsOf(group: string): readonly string[] {
    const cached = this.hostsOfCache.get(group);
    if (cached !== undefined) return cached;
    const seenGroups = new Set<string>([group]);
    const queue = [group];
    const seen = new Set<string>();
    const hosts: string[] = [];
    for (let i = 0; i < queue.length; i++) {
      const g = this.resolved.groups.get(queue[i]!)!;
      for (const h of g.hosts) {
        if (!seen.has(h)) {
          seen.add(h);
          hosts.push(h);
        }
      }
      for (const kid of g.children) {
        if (!seenGroups.has(kid)) {
          seenGroups.add(kid);
          queue.push(kid);
        }
      }
    }
    this.hostsOfCache.set(group, hosts);
    return hosts;
  }
}
