import type { InventoryGraph } from './graph.ts';
import { expandHostPattern } from './host-range.ts';
import { invalid, unreadable, type Origin } from './origin.ts';
import { parseIniValue } from './python-literal.ts';
import { splitShellWords } from './shell-words.ts';

const SECTION = /^\[([^:\]\s]+)(?::(\w+))?\]\s*(?:#.*)?$/;
const GROUP_NAME = /^([^:\]\s]+)\s*(?:#.*)?$/;

interface Pending {
  readonly kind: 'vars' | 'children';
  readonly at: Origin;
  readonly parents: { name: string; at: Origin }[];
}

/**
 * Reads an Ansible INI inventory into `graph`, line by line, as Ansible's ini
 * plugin does: hosts before any section are `ungrouped`; `[g]` lists hosts
 * (`name[:port] key=value…`, shell-quoted, `#` comments), `[g:vars]` sets
 * `key=value` (the rest of the line is the value), `[g:children]` names
 * groups that must be declared somewhere in the file. Values are Python
 * literals when they parse as one (`22` is a number, `True` a boolean).
 */
export function readIniInventory(text: string, file: string, graph: InventoryGraph): void {
  const pending = new Map<string, Pending>();
  let group = 'ungrouped';
  let state: 'hosts' | 'vars' | 'children' = 'hosts';
  const lines = text.split(/\r?\n/);
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!.trim();
    if (line === '' || line[0] === '#' || line[0] === ';') continue;
    const at: Origin = { file, line: index + 1 };

    const section = SECTION.exec(line);
    if (section) {
      group = section[1]!;
      const kind = section[2] ?? 'hosts';
      if (kind !== 'hosts' && kind !== 'vars' && kind !== 'children') {
        throw unreadable(`section [${group}:${kind}] has unknown type '${kind}' (expected hosts, vars or children)`, at);
      }
      state = kind;
      if (!graph.groups.has(group)) {
        // [g:vars] alone does not declare g; remember it and check at the end of the file.
        if (kind === 'vars' && !pending.has(group)) pending.set(group, { kind, at, parents: [] });
        graph.addGroup(group, at);
      }
      const waiting = pending.get(group);
      if (waiting !== undefined && kind !== 'vars') {
        if (waiting.kind === 'children') addPendingChildren(group, pending, graph);
        else pending.delete(group);
      }
      continue;
    }
    if (line.startsWith('[') && line.endsWith(']')) {
      throw unreadable(`invalid section header '${line}': no spaces, and only [name], [name:vars] or [name:children]`, at);
    }

    if (state === 'hosts') readHostLine(line, at, group, graph);
    else if (state === 'vars') readVarLine(line, at, group, graph);
    else {
      const match = GROUP_NAME.exec(line);
      if (!match) throw unreadable(`expected a group name in [${group}:children], got '${line}'`, at);
      const child = match[1]!;
      if (graph.groups.has(child)) graph.addChild(group, child, at);
      else {
        const waiting = pending.get(child);
        if (waiting === undefined) pending.set(child, { kind: 'children', at, parents: [{ name: group, at }] });
        else waiting.parents.push({ name: group, at });
      }
    }
  }
  for (const [name, waiting] of pending) {
    if (waiting.kind === 'vars') {
      throw invalid('vars', `section [${name}:vars] is for group '${name}', which is never declared`, waiting.at);
    }
    const parent = waiting.parents.at(-1)!;
    throw invalid('children', `[${parent.name}:children] names group '${name}', which is never declared`, parent.at);
  }
}

function addPendingChildren(group: string, pending: Map<string, Pending>, graph: InventoryGraph): void {
  const waiting = pending.get(group)!;
  pending.delete(group);
  for (const parent of waiting.parents) {
    graph.addChild(parent.name, group, parent.at);
    if (pending.get(parent.name)?.kind === 'children') addPendingChildren(parent.name, pending, graph);
  }
}

function readHostLine(line: string, at: Origin, group: string, graph: InventoryGraph): void {
  if (line === '---') throw unreadable(`'---' starts a YAML document: name a YAML inventory .yml or .yaml`, at);
  let words: string[];
  try {
    words = splitShellWords(line, { comments: true });
  } catch (error) {
    throw unreadable(`cannot read host line '${line}': ${(error as Error).message}`, at, error);
  }
  const [entry, ...assignments] = words;
  if (entry === undefined) return;
  const { names, port } = expandHostPattern(entry, at);
  const vars: [string, unknown][] = [];
  for (const word of assignments) {
    const eq = word.indexOf('=');
    if (eq <= 0) throw unreadable(`expected key=value after host '${entry}', got '${word}'`, at);
    vars.push([word.slice(0, eq), parseIniValue(word.slice(eq + 1))]);
  }
  for (const name of names) {
    graph.addHost(name, group, at);
    if (port !== undefined) graph.setHostVar(name, 'ansible_port', port, at);
    for (const [key, value] of vars) graph.setHostVar(name, key, value, at);
  }
}

function readVarLine(line: string, at: Origin, group: string, graph: InventoryGraph): void {
  const eq = line.indexOf('=');
  if (eq < 0) throw unreadable(`expected key=value in [${group}:vars], got '${line}'`, at);
  const key = line.slice(0, eq).trim();
  if (key === '' || /\s/.test(key)) throw invalid(key || 'vars', `'${key}' is not a variable name`, at);
  graph.setGroupVar(group, key, parseIniValue(line.slice(eq + 1).trim()), at);
}
