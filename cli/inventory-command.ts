import { Command, CommanderError } from 'commander';
import { BosunError, ValidationError } from '../compiler/errors.ts';
import { parseExtraVars } from '../inventory/extra-vars.ts';
import { parseLimit } from '../inventory/limit.ts';
import { loadInventories } from '../inventory/load.ts';
import type { Inventory } from '../inventory/inventory.ts';
import { describeConnection, graphLines, graphTree, listOutput, sortedJson } from '../inventory/output.ts';
import { stringify } from 'yaml';

/** Where the command writes (injectable for tests). */
export interface InventoryCommandIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly cwd?: string;
}

const processIo: InventoryCommandIo = {
  stdout: (text) => void process.stdout.write(text),
  stderr: (text) => void process.stderr.write(text),
};

interface Flags {
  inventory?: string[];
  limit?: string;
  extraVars?: string[];
  json?: boolean;
}

/**
 * `bosun inventory list | graph [GROUP] | host NAME`, with `-i SOURCE`
 * (repeatable; none means this machine), `-l/--limit PATTERN` (or `@file`
 * of host names), `-e VARS` (repeatable) and `--json`. Output follows
 * ansible-inventory (`--json` list is its `--list` JSON). Returns the exit
 * code: 0, or 1 for bad usage or bad inventory (message on stderr).
 */
export async function inventoryCommand(argv: readonly string[], io: InventoryCommandIo = processIo): Promise<number> {
  const cwd = io.cwd ?? process.cwd();
  const program = new Command('bosun inventory')
    .description('show what an inventory resolves to')
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr })
    .showHelpAfterError(false)
    // Options before the subcommand belong to `inventory`, after it to the subcommand; both count.
    .enablePositionalOptions();

  const withFlags = (command: Command): Command =>
    command
      .option('-i, --inventory <source>', 'inventory file, directory, EC2 config or host list (repeatable)', collect)
      .option('-l, --limit <pattern>', 'only hosts matching this pattern (or @file of names)')
      .option('-e, --extra-vars <vars>', 'key=value, YAML/JSON, or @file (repeatable)', collect)
      .option('--json', 'machine-readable output');

  const load = async (own: Flags): Promise<Inventory> => {
    const outer = program.opts<Flags>();
    const flags: Flags = {
      inventory: [...(outer.inventory ?? []), ...(own.inventory ?? [])],
      extraVars: [...(outer.extraVars ?? []), ...(own.extraVars ?? [])],
      ...((own.limit ?? outer.limit) === undefined ? {} : { limit: (own.limit ?? outer.limit)! }),
    };
    const extraVars = await parseExtraVars(flags.extraVars ?? [], cwd);
    let inventory = await loadInventories(flags.inventory ?? [], { extraVars, cwd });
    if (flags.limit !== undefined) inventory = inventory.limit(await parseLimit(flags.limit, cwd));
    return inventory;
  };

  withFlags(program);
  const json = (flags: Flags): boolean => flags.json === true || program.opts<Flags>().json === true;

  withFlags(program.command('list').description('every host with its groups and connection (--json: ansible-inventory --list)')).action(
    async (flags: Flags) => {
      const inventory = await load(flags);
      if (json(flags)) io.stdout(`${sortedJson(listOutput(inventory))}\n`);
      else io.stdout(hostTable(inventory));
    },
  );

  withFlags(
    program.command('graph').argument('[group]', 'group to start from', 'all').description('the group tree (ansible-inventory --graph)'),
  ).action(async (group: string, flags: Flags) => {
    const inventory = await load(flags);
    if (!inventory.groups.has(group)) throw new ValidationError('group', `no group named '${group}'`);
    if (json(flags)) io.stdout(`${JSON.stringify(graphTree(inventory, group), null, 2)}\n`);
    else io.stdout(`${graphLines(inventory, group).join('\n')}\n`);
  });

  withFlags(program.command('host').argument('<name>', 'host name').description("one host's variables (ansible-inventory --host)")).action(
    async (name: string, flags: Flags) => {
      const inventory = await load(flags);
      const host = inventory.host(name);
      if (host === undefined)
        throw new ValidationError('host', `no host named '${name}' in the inventory${flags.limit ? ' (within the limit)' : ''}`);
      if (json(flags)) io.stdout(`${sortedJson(host.vars)}\n`);
      else {
        io.stdout(`${host.name}\n  connection: ${describeConnection(host.connection)}\n  groups: ${host.groups.join(', ')}\n`);
        const vars =
          Object.keys(host.vars).length === 0
            ? '  vars: {}\n'
            : `  vars:\n${indent(stringify(JSON.parse(sortedJson(host.vars)), { version: '1.1' }), 4)}`;
        io.stdout(vars);
      }
    },
  );

  try {
    if (argv.length === 0) {
      program.outputHelp();
      return 1;
    }
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 1;
    if (error instanceof BosunError) {
      io.stderr(`bosun inventory: ${error.describe()}\n`);
      return 1;
    }
    throw error;
  }
  return 0;
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

function hostTable(inventory: Inventory): string {
  const rows = inventory.hosts().map((h) => [h.name, describeConnection(h.connection), h.groups.filter((g) => g !== 'all').join(', ')]);
  if (rows.length === 0) return 'no hosts\n';
  const header = ['HOST', 'CONNECTION', 'GROUPS'];
  const widths = header.map((_, i) => Math.max(header[i]!.length, ...rows.map((r) => r[i]!.length)));
  return `${[header, ...rows]
    .map((r) =>
      r
        .map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')}\n`;
}

function indent(text: string, spaces: number): string {
  const pad = ' '.repeat(spaces);
  return `${text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => pad + l)
    .join('\n')}\n`;
}
