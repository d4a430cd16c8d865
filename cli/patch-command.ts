import { type Command, Option } from 'commander';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BosunError } from '../compiler/errors.ts';
import { type Secret, secret } from '../compiler/secret.ts';
import { parseExtraVars } from '../inventory/extra-vars.ts';
import { defaultInventory, loadInventories } from '../inventory/index.ts';
import { parseLimit } from '../inventory/limit.ts';
import { type PatchTarget, patchTargets } from '../runner/patch/patch-target.ts';
import { scanExitCode, scanHuman } from '../runner/patch/report-scan.ts';
import { scanHosts } from '../runner/patch/scan-hosts.ts';
import { positiveInteger } from './options.ts';
import { promptSecret } from './prompt.ts';
import type { Io } from './run-command.ts';

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/** Flags every patch command takes: which hosts, how to reach them, where the JSON goes. */
function withTargetFlags(command: Command): Command {
  return command
    .option('-i, --inventory <source>', 'inventory file, directory, EC2 config or host list (repeatable); none = this machine', collect, [])
    .option('-l, --limit <pattern>', 'further limit the hosts with a pattern (or @file of names)')
    .option('-e, --extra-vars <key=value>', 'set a variable, highest precedence (repeatable; @file.yml reads a file)', collect, [])
    .option('--json <file>', 'write the report as JSON (- for stdout, then nothing else is printed there)')
    .option('--security-only', 'only security updates count (scan) and are installed (apply)')
    .option('-f, --forks <n>', 'hosts at once', '10')
    .option('--timeout <seconds>', 'per-session time limit')
    .option('--accept-new-host-keys', 'trust hosts seen for the first time (never a changed key)')
    .option('-F, --ssh-config <file>', 'ssh_config file for every SSH connection')
    .option('-K, --ask-become-pass', 'ask once for the sudo password (sent on stdin, never printed)');
}

/** What every patch command resolved before touching a host. */
interface Prepared {
  readonly targets: PatchTarget[];
  readonly forks: number;
  readonly timeoutMs?: number;
  readonly connection: { acceptNewHostKeys: boolean; sshConfigFile?: string; becomePassword?: Secret; controlDir: string };
}

async function prepare(flags: Record<string, unknown>, controlDir: string): Promise<Prepared> {
  const extraVars = await parseExtraVars(flags.extraVars as string[]);
  const sources = flags.inventory as string[];
  const inventory = sources.length === 0 ? defaultInventory(extraVars) : await loadInventories([...sources], { extraVars });
  const limit = typeof flags.limit === 'string' ? await parseLimit(flags.limit) : 'all';
  const hosts = inventory.select(limit);
  if (hosts.length === 0) throw new BosunError(`--limit ${limit} matches no host of the inventory`);
  const becomePassword = flags.askBecomePass === true ? secret(await promptSecret('BECOME password: ')) : undefined;
  return {
    targets: patchTargets(hosts),
    forks: positiveInteger(String(flags.forks ?? '10'), '--forks'),
    ...(typeof flags.timeout === 'string' && { timeoutMs: positiveInteger(flags.timeout, '--timeout') * 1000 }),
    connection: {
      acceptNewHostKeys: flags.acceptNewHostKeys === true,
      ...(typeof flags.sshConfig === 'string' && { sshConfigFile: flags.sshConfig }),
      ...(becomePassword !== undefined && { becomePassword }),
      controlDir,
    },
  };
}

/** Writes the JSON report to its file, or to stdout for `-`. */
async function writeJson(target: unknown, report: unknown, io: Io): Promise<void> {
  if (typeof target !== 'string') return;
  const text = `${JSON.stringify(report, null, 2)}\n`;
  if (target === '-') io.stdout(text);
  else await writeFile(target, text);
}

/** Runs `body` with a private directory for the run's SSH control sockets, removed after. */
async function withControlDir<T>(body: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'bosun-ssh-'));
  try {
    return await body(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * `bosun patch scan | apply`: the monthly patching procedure (docs/patching.md). Registers
 * the commands on `program`; each sets the exit code through `setCode`.
 */
export function registerPatchCommands(program: Command, io: Io, setCode: (code: number) => void): void {
  const patch = program
    .command('patch')
    .description('scan hosts for missing patches, or apply them: snapshot, window, upgrade, reboot, autoremove');

  withTargetFlags(patch.command('scan').description('list missing patches per host; writes nothing (exit 2 when patches are missing)'))
    .addOption(new Option('--refresh', 'refresh the package lists first (apt-get update): the one write, reported'))
    .action(async (flags: Record<string, unknown>) => {
      const startedAt = new Date();
      await withControlDir(async (controlDir) => {
        const prepared = await prepare(flags, controlDir);
        const reports = await scanHosts(prepared.targets, {
          refresh: flags.refresh === true,
          securityOnly: flags.securityOnly === true,
          forks: prepared.forks,
          ...(prepared.timeoutMs !== undefined && { timeoutMs: prepared.timeoutMs }),
          ...(io.signal && { signal: io.signal }),
          connection: prepared.connection,
        });
        const code = scanExitCode(reports);
        if (flags.json !== '-') io.stdout(scanHuman(reports));
        await writeJson(
          flags.json,
          { format: 1, command: 'patch scan', startedAt: startedAt.toISOString(), exitCode: code, hosts: reports },
          io,
        );
        setCode(code);
      });
    });
}
