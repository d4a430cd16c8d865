import { bundledModule } from '../loader/bundle.ts';
import type { GroupDefinition, HostDefinition } from './define.ts';
import type { InventoryGraph } from './graph.ts';
import { expandHostPattern } from './host-range.ts';
import { invalid, unreadable, type Origin } from './origin.ts';

const TOP_KEYS = new Set(['hosts', 'groups', 'vars']);
const HOST_KEYS = new Set(['groups', 'vars']);
const GROUP_KEYS = new Set(['hosts', 'children', 'vars']);

/**
 * Loads a TypeScript (or JavaScript) inventory module: its default export is
 * an `InventoryDefinition` or a function returning one. The shape is checked
 * at run time too (a .js module or a cast can lie): errors name the field path.
 */
export async function readTypeScriptInventory(file: string, graph: InventoryGraph): Promise<void> {
  let module: { default?: unknown };
  try {
    module = (await import(await bundledModule(file))) as { default?: unknown };
  } catch (error) {
    throw unreadable(`cannot load TypeScript inventory: ${(error as Error).message}`, { file }, error);
  }
  let definition = module.default;
  if (typeof definition === 'function') definition = await (definition as () => unknown)();
  if (definition === undefined) throw unreadable('the module has no default export (export default defineInventory({...}))', { file });
  applyDefinition(definition, file, graph);
}

/** Adds a definition's groups, hosts and vars to the graph, checking every field. */
export function applyDefinition(definition: unknown, file: string, graph: InventoryGraph): void {
  const at: Origin = { file };
  const top = record(definition, 'default export', at);
  checkKeys(top, TOP_KEYS, '', at);
  const groups = record(top.groups ?? {}, 'groups', at) as Record<string, GroupDefinition>;
  const hosts = record(top.hosts ?? {}, 'hosts', at) as Record<string, HostDefinition>;

  for (const name of Object.keys(groups)) graph.addGroup(name, at);
  setVars(top.vars, 'vars', at, (k, v) => graph.setGroupVar('all', k, v, at));

  for (const [name, group] of Object.entries(groups)) {
    const path = `groups.${name}`;
    checkKeys(record(group, path, at), GROUP_KEYS, path, at);
    for (const [i, child] of list(group.children, `${path}.children`, at).entries()) {
      if (!(child in groups) && !graph.groups.has(child)) {
        throw invalid(`${path}.children[${i}]`, `group '${child}' is not declared in groups`, at);
      }
      graph.addChild(name, child, at);
    }
    for (const entry of list(group.hosts, `${path}.hosts`, at)) {
      for (const host of expandHostPattern(entry, at).names) graph.addHost(host, name, at);
    }
    setVars(group.vars, `${path}.vars`, at, (k, v) => graph.setGroupVar(name, k, v, at));
  }

  for (const [entry, host] of Object.entries(hosts)) {
    const path = `hosts.${entry}`;
    checkKeys(record(host, path, at), HOST_KEYS, path, at);
    const { names, port } = expandHostPattern(entry, at);
    const memberOf = list(host.groups, `${path}.groups`, at);
    for (const [i, group] of memberOf.entries()) {
      if (!(group in groups) && group !== 'all' && group !== 'ungrouped') {
        throw invalid(`${path}.groups[${i}]`, `group '${group}' is not declared in groups`, at);
      }
    }
    for (const name of names) {
      graph.addHost(name, undefined, at);
      for (const group of memberOf) graph.addHost(name, group, at);
      if (port !== undefined) graph.setHostVar(name, 'ansible_port', port, at);
      setVars(host.vars, `${path}.vars`, at, (k, v) => graph.setHostVar(name, k, v, at));
    }
  }
}

function record(value: unknown, field: string, at: Origin): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw invalid(field, `must be an object, got ${Array.isArray(value) ? 'an array' : typeof value}`, at);
  }
  return value as Record<string, unknown>;
}

function list(value: unknown, field: string, at: Origin): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw invalid(field, 'must be an array of names', at);
  for (const [i, item] of value.entries()) {
    if (typeof item !== 'string' || item === '') throw invalid(`${field}[${i}]`, 'must be a non-empty string', at);
  }
  return value as string[];
}

function checkKeys(object: Record<string, unknown>, allowed: ReadonlySet<string>, path: string, at: Origin): void {
  for (const key of Object.keys(object)) {
    if (!allowed.has(key)) {
      throw invalid(path === '' ? key : `${path}.${key}`, `unknown key (expected ${[...allowed].join(', ')})`, at);
    }
  }
}

function setVars(value: unknown, field: string, at: Origin, set: (key: string, value: unknown) => void): void {
  if (value === undefined) return;
  for (const [k, v] of Object.entries(record(value, field, at))) {
    if (v !== undefined) set(k, v);
  }
}
