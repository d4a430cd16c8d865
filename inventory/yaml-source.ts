import type { Node } from 'yaml';
import type { InventoryGraph } from './graph.ts';
import { expandHostPattern } from './host-range.ts';
import { unreadable, type Origin, refuseUnknownKeys } from './origin.ts';
import { isScalar } from 'yaml';
import type { YamlFile } from './yaml-file.ts';

const SECTIONS = new Set(['hosts', 'vars', 'children']);

/**
 * Reads an Ansible YAML inventory into `graph`, as Ansible's yaml plugin:
 * top-level keys are groups; a group has `hosts` (name or range → vars),
 * `vars` and `children` (nested groups, same shape). Where Ansible warns and
 * skips (unknown keys, a group that is not a mapping), bosun stops with the
 * file and line.
 */
export function readYamlInventory(yaml: YamlFile, graph: InventoryGraph): void {
  const root = yaml.root;
  if (yaml.isEmpty(root)) throw unreadable('the YAML inventory is empty', { file: yaml.file });
  const groups = yaml.mapping(root, 'inventory', { file: yaml.file });
  if (groups === null) throw unreadable('the YAML inventory is empty', { file: yaml.file });
  for (const { key, value, at } of yaml.entries(groups, 'group')) readGroup(yaml, graph, key, value, at);
}

function readGroup(yaml: YamlFile, graph: InventoryGraph, name: string, node: Node | null, at: Origin): void {
  graph.addGroup(name, at);
  const body = yaml.mapping(node, `group '${name}'`, at);
  if (body === null) return;
  const entries = yaml.entries(body, `group '${name}'`);
  refuseUnknownKeys(entries, SECTIONS, { within: `in group '${name}'` });
  for (const { key, value, at: keyAt } of entries) {
    if (yaml.isEmpty(value)) continue;
    const resolved = yaml.resolve(value);
    // Ansible allows a single name in place of a mapping: `hosts: web1`.
    if (key !== 'vars' && isScalar(resolved) && typeof resolved.value === 'string') {
      if (key === 'hosts') readHost(yaml, graph, name, resolved.value, null, yaml.at(resolved));
      else {
        graph.addChild(name, resolved.value, yaml.at(resolved));
        readGroup(yaml, graph, resolved.value, null, yaml.at(resolved));
      }
      continue;
    }
    const section = yaml.mapping(resolved, `${name}.${key}`, keyAt)!;
    for (const entry of yaml.entries(section, `${name}.${key}`)) {
      if (key === 'vars') graph.setGroupVar(name, entry.key, yaml.value(entry.value), entry.at);
      else if (key === 'children') {
        // The edge first, so that a cycle is reported where it is closed (the inner entry).
        graph.addChild(name, entry.key, entry.at);
        readGroup(yaml, graph, entry.key, entry.value, entry.at);
      } else readHost(yaml, graph, name, entry.key, entry.value, entry.at);
    }
  }
}

function readHost(yaml: YamlFile, graph: InventoryGraph, group: string, entry: string, node: Node | null, at: Origin): void {
  const { names, port } = expandHostPattern(entry, at);
  const varsNode = yaml.mapping(node, `host '${entry}'`, at);
  const vars = varsNode === null ? [] : yaml.entries(varsNode, `host '${entry}'`).map((e) => ({ ...e, js: yaml.value(e.value) }));
  for (const host of names) {
    graph.addHost(host, group, at);
    if (port !== undefined) graph.setHostVar(host, 'ansible_port', port, at);
    for (const v of vars) graph.setHostVar(host, v.key, v.js, v.at);
  }
}
