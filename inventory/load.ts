import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { isMap } from 'yaml';
import { defaultInventory } from './default-inventory.ts';
import { InventoryGraph } from './graph.ts';
import { looksLikeHostList, readHostList } from './host-list-source.ts';
import { readIniInventory } from './ini-source.ts';
import { Inventory } from './inventory.ts';
import { invalid, unreadable } from './origin.ts';
import { resolveInventory } from './resolve.ts';
import { readTypeScriptInventory } from './typescript-source.ts';
import { readVarsDirectories } from './vars-files.ts';
import { YamlFile } from './yaml-file.ts';
import { readYamlInventory } from './yaml-source.ts';
import { readEc2Inventory } from './ec2/ec2-source.ts';
import { byCodeUnits } from './byte-order.ts';

/** Options of `loadInventories`. */
export interface LoadOptions {
  /** Variables from `-e`: they override every inventory variable. */
  readonly extraVars?: Readonly<Record<string, unknown>>;
  /** Directory relative sources are resolved from (default: the process's). */
  readonly cwd?: string;
}

const YAML_EXTENSIONS = new Set(['.yml', '.yaml', '.json']);
const MODULE_EXTENSIONS = new Set(['.ts', '.mts', '.cts', '.js', '.mjs']);
// Files an inventory directory may hold that are not inventories (Ansible's INVENTORY_IGNORE_EXTS, less .ini).
const IGNORED_IN_DIRECTORY = /(~|\.(orig|bak|cfg|retry|pyc|pyo|swp|rpm|md|txt|rst))$/;
const EC2_PLUGINS = new Set(['aws_ec2', 'amazon.aws.aws_ec2']);

/**
 * Loads and merges inventory sources, in order, into one resolved inventory.
 * A source is a path to an INI file, a YAML/JSON inventory, a TypeScript
 * module, an aws_ec2 plugin config (YAML with `plugin: aws_ec2`), a directory
 * of such files, or a comma-separated host list (`web1,web2,`). Groups and
 * hosts named in several sources are merged (later values win). With no
 * source, the result is `defaultInventory()` (the local machine).
 *
 * Throws LoadError or ValidationError naming the file and line for anything
 * wrong: syntax, unknown keys, bad ranges, cycles, missing files.
 */
export async function loadInventories(sources: readonly string[], options: LoadOptions = {}): Promise<Inventory> {
  const extraVars = options.extraVars ?? {};
  if (sources.length === 0) return defaultInventory(extraVars);
  const cwd = options.cwd ?? process.cwd();
  const graph = new InventoryGraph();
  for (const source of sources) await loadSource(source, cwd, graph);
  graph.reconcile();
  const dirs = await readVarsDirectories(graph);
  return new Inventory(resolveInventory(graph, dirs, extraVars));
}

async function loadSource(source: string, cwd: string, graph: InventoryGraph): Promise<void> {
  const path = resolve(cwd, source);
  let kind: 'file' | 'directory';
  try {
    kind = (await stat(path)).isDirectory() ? 'directory' : 'file';
  } catch {
    if (looksLikeHostList(source)) {
      readHostList(source, graph);
      return;
    }
    throw unreadable('inventory source not found', { file: path });
  }
  if (kind === 'directory') {
    graph.varsDirs.push(path);
    const entries = (await readdir(path, { withFileTypes: true })).sort((a, b) => byCodeUnits(a.name, b.name));
    for (const entry of entries) {
      if (entry.name.startsWith('.') || IGNORED_IN_DIRECTORY.test(entry.name)) continue;
      if (entry.isDirectory() && (entry.name === 'group_vars' || entry.name === 'host_vars')) continue;
      if (entry.isDirectory()) continue;
      await loadFile(join(path, entry.name), graph);
    }
    return;
  }
  graph.varsDirs.push(dirname(path));
  await loadFile(path, graph);
}

async function loadFile(file: string, graph: InventoryGraph): Promise<void> {
  const ext = extname(file).toLowerCase();
  if (MODULE_EXTENSIONS.has(ext)) {
    await readTypeScriptInventory(file, graph);
    return;
  }
  let text: string;
  try {
    // A byte order mark would otherwise glue itself to the first INI line.
    text = (await readFile(file, 'utf8')).replace(/^\uFEFF/, '');
  } catch (error) {
    throw unreadable(`cannot read inventory: ${(error as Error).message}`, { file }, error);
  }
  if (YAML_EXTENSIONS.has(ext) || (ext === '' && looksLikeYaml(text))) {
    const yaml = new YamlFile(text, file);
    const root = yaml.root;
    const plugin = isMap(root) ? root.items.find((pair) => String((pair.key as { value?: unknown })?.value) === 'plugin') : undefined;
    if (plugin !== undefined) {
      const name = yaml.value(plugin.value as never);
      if (typeof name === 'string' && EC2_PLUGINS.has(name)) {
        await readEc2Inventory(yaml, graph);
        return;
      }
      throw invalid('plugin', `inventory plugin ${JSON.stringify(name)} is not supported (aws_ec2 is)`, yaml.at(plugin.key as never));
    }
    readYamlInventory(yaml, graph);
    return;
  }
  if (ext === '.ini' || ext === '' || ext === '.hosts' || basename(file) === 'hosts') {
    readIniInventory(text, file, graph);
    return;
  }
  throw unreadable(`unknown inventory format '${ext}' (expected .ini, .yml, .yaml, .json, .ts, or no extension for INI)`, { file });
}

/** An extensionless file is YAML when its first meaningful line opens a document or a mapping. */
function looksLikeYaml(text: string): boolean {
  for (const raw of text.split('\n', 50)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    return line === '---' || /^[^\s[=]+:\s*(#.*)?$/.test(line) || line.startsWith('{');
  }
  return false;
}
