import { expect } from 'chai';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnBosun } from '../support/bosun-child.ts';
import type { Fleet, FleetHost } from '../support/fleet.ts';

/** An Ansible INI inventory of fleet hosts (root login with the fleet's key). */
export async function writeInventory(fleet: Fleet, hosts: readonly FleetHost[] = fleet.hosts, name = 'inventory.ini'): Promise<string> {
  const path = join(fleet.dir, name);
  const lines = hosts.map(
    (host) =>
      `${host.name} ansible_host=${host.address} ansible_port=${host.port} ansible_user=root ansible_ssh_private_key_file=${fleet.privateKeyFile}`,
  );
  await writeFile(path, `[fleet]\n${lines.join('\n')}\n`);
  return path;
}

/** An ssh_config file (`bosun -F`) pointing OpenSSH at a known_hosts file, and at nothing else. */
export async function writeSshConfig(fleet: Fleet, knownHostsFile = fleet.knownHostsFile, name = 'ssh_config'): Promise<string> {
  const path = join(fleet.dir, name);
  await writeFile(path, `Host *\n  UserKnownHostsFile ${knownHostsFile}\n  GlobalKnownHostsFile /dev/null\n`);
  return path;
}

/** What a bosun command did. */
export interface BosunRun {
  readonly exitCode: number | undefined;
  readonly stdout: string;
  readonly stderr: string;
  /** The --json report, parsed. */
  readonly report: JsonReport;
}

/** The parts of bosun's JSON report the fleet tests read. */
export interface JsonReport {
  readonly exitCode: number;
  readonly hosts: readonly {
    readonly host: string;
    readonly status: string;
    readonly reason?: string;
    readonly steps: readonly { readonly name: string; readonly status: string; readonly diff?: string }[];
  }[];
}

/**
 * Runs `bosun check|apply PLAYBOOK -i INVENTORY -F SSH_CONFIG --json FILE ARGS…` as a
 * user would (bin/bosun.js), streaming stdout lines to `onLine`.
 */
export async function bosun(
  command: 'check' | 'apply',
  fleet: Fleet,
  options: { inventory: string; sshConfig: string; args?: readonly string[]; onLine?: (line: string) => void; playbook?: string },
): Promise<BosunRun> {
  const json = join(fleet.dir, `report-${Date.now()}-${Math.random().toString(36).slice(2)}.json`);
  const args = [
    command,
    options.playbook ?? 'playbooks/baseline.ts',
    '-i',
    options.inventory,
    '-F',
    options.sshConfig,
    '--json',
    json,
    ...(options.args ?? []),
  ];
  const result = await spawnBosun(args, {
    cwd: fileURLToPath(new URL('../..', import.meta.url)),
    ...(options.onLine && { onLine: options.onLine }),
  }).done();
  const report = JSON.parse(await readFile(json, 'utf8').catch(() => '{"exitCode":-1,"hosts":[]}')) as JsonReport;
  return { exitCode: result.code, stdout: result.stdout, stderr: result.stderr, report };
}

/**
 * A playbook converges through the command: a check finds work (exit 2), one apply does it
 * (exit 0), a check again finds none (exit 0). A wrong exit shows that run's output.
 */
export async function expectConverges(fleet: Fleet, options: Parameters<typeof bosun>[2]): Promise<void> {
  const check = await bosun('check', fleet, options);
  expect(check.exitCode, check.stdout + check.stderr).to.equal(2);
  const apply = await bosun('apply', fleet, options);
  expect(apply.exitCode, apply.stdout + apply.stderr).to.equal(0);
  const again = await bosun('check', fleet, options);
  expect(again.exitCode, again.stdout + again.stderr).to.equal(0);
}

/**
 * A listing of the host's whole filesystem except /proc, /sys, /dev and /run, taken
 * on the host: path, type, mode, owner, size, mtime, ctime and link target of every
 * entry. Any write (even a temp file removed again, through ctime of its directory) shows.
 */
export async function listing(fleet: Fleet, host: FleetHost): Promise<string> {
  const result = await fleet.exec(
    host,
    "find / \\( -path /proc -o -path /sys -o -path /dev -o -path /run \\) -prune -o -printf '%p %y %m %U:%G %s %T@ %C@ %l\\n' | LC_ALL=C sort",
  );
  if (result.exitCode !== 0) throw new Error(`listing ${host.name}: ${result.stderr}`);
  return result.stdout;
}

/** Lines present in one listing and not the other, for a readable failure. */
export function listingDiff(before: string, after: string): string[] {
  const a = new Set(before.split('\n'));
  const b = new Set(after.split('\n'));
  return [
    ...[...a].filter((line) => !b.has(line)).map((line) => `- ${line}`),
    ...[...b].filter((line) => !a.has(line)).map((line) => `+ ${line}`),
  ];
}
