import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { InventoryGraph, VarTable } from './graph.ts';
import { inOrder } from './in-order.ts';
import { invalid, unreadable, type Origin } from './origin.ts';
import { YamlFile } from './yaml-file.ts';
import { byCodeUnits } from './byte-order.ts';

/** Variables from one place, with where each came from. */
export interface VarLayer {
  readonly vars: VarTable;
  readonly varOrigins: ReadonlyMap<string, Origin>;
}

/** The group_vars/ and host_vars/ found next to one inventory source. */
export interface VarsDirectory {
  readonly dir: string;
  readonly groups: ReadonlyMap<string, VarLayer>;
  readonly hosts: ReadonlyMap<string, VarLayer>;
}

// Ansible's YAML_FILENAME_EXTENSIONS, with the bare name tried first.
const EXTENSIONS = ['', '.yml', '.yaml', '.json'];

/**
 * Reads `group_vars/` and `host_vars/` next to each inventory source, as
 * Ansible's host_group_vars plugin does: for a group or host NAME, the first
 * of `NAME`, `NAME.yml`, `NAME.yaml`, `NAME.json` that exists is used; when it
 * is a directory, every file in it (recursively, sorted, skipping hidden and
 * `~` files, extensions .yml/.yaml/.json or none) is read in order, later
 * files overriding earlier ones. Files for unknown groups or hosts are ignored.
 */
export async function readVarsDirectories(graph: InventoryGraph): Promise<VarsDirectory[]> {
  const cache = new Map<string, Promise<VarsDirectory>>();
  return inOrder(
    graph.varsDirs.map((dir) => {
      let entry = cache.get(dir);
      if (entry === undefined) {
        entry = readVarsDirectory(dir, graph);
        cache.set(dir, entry);
      }
      return entry;
    }),
  );
}

async function readVarsDirectory(dir: string, graph: InventoryGraph): Promise<VarsDirectory> {
  const [groups, hosts] = await inOrder([
    readEntities(join(dir, 'group_vars'), graph.groups.keys()),
    readEntities(join(dir, 'host_vars'), graph.hosts.keys()),
  ]);
  return { dir, groups: groups!, hosts: hosts! };
}

async function readEntities(dir: string, names: Iterable<string>): Promise<Map<string, VarLayer>> {
  let listing: string[];
  try {
    listing = await readdir(dir);
  } catch {
    return new Map();
  }
  const present = new Set(listing);
  const found: Promise<[string, VarLayer] | undefined>[] = [];
  for (const name of names) {
    const candidate = EXTENSIONS.map((ext) => name + ext).find((file) => present.has(file));
    if (candidate === undefined) continue;
    found.push(
      (async () => {
        const path = join(dir, candidate);
        const files = (await stat(path)).isDirectory() ? await listVarsFiles(path) : [path];
        const layer: VarLayer = { vars: new Map(), varOrigins: new Map() };
        for (const file of files) await readVarsFile(file, layer);
        return [name, layer];
      })(),
    );
  }
  const result = new Map<string, VarLayer>();
  for (const entry of await inOrder(found)) if (entry !== undefined) result.set(entry[0], entry[1]);
  return result;
}

async function listVarsFiles(dir: string): Promise<string[]> {
  const files: string[] = [];
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => byCodeUnits(a.name, b.name));
  for (const entry of entries) {
    if (entry.name.startsWith('.') || entry.name.endsWith('~')) continue;
    const ext = extname(entry.name);
    const path = join(dir, entry.name);
    if (entry.isDirectory() && ext === '') files.push(...(await listVarsFiles(path)));
    else if (entry.isFile() && EXTENSIONS.includes(ext)) files.push(path);
  }
  return files;
}

async function readVarsFile(file: string, into: VarLayer): Promise<void> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw unreadable(`cannot read variables file: ${(error as Error).message}`, { file }, error);
  }
  const yaml = new YamlFile(text, file);
  const map = yaml.mapping(yaml.root, 'variables', { file });
  if (map === null) return;
  for (const { key, value, at } of yaml.entries(map, 'variables')) {
    if (key === '') throw invalid('variables', 'empty variable name', at);
    into.vars.set(key, yaml.value(value));
    (into.varOrigins as Map<string, Origin>).set(key, at);
  }
}
