import { execa } from 'execa';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { load, type Sample } from './stats.ts';
import { REPO } from './command.ts';

const ANSIBLE_DIR = join(REPO, 'bench/ansible');

/** Hosts the bench drives: where each listens and how to reach it. */
export interface BenchFleet {
  readonly hosts: readonly { readonly name: string; readonly address: string; readonly port: number }[];
  readonly privateKeyFile: string;
  readonly knownHostsFile: string;
  /** A scratch directory removed with the fleet. */
  readonly dir: string;
}

/** The files one fleet is driven with: the same inventory for bosun and Ansible. */
export interface FleetFiles {
  readonly inventory: string;
  readonly sshConfig: string;
}

/** Writes an INI inventory both tools read, and an ssh_config with the fleet's known_hosts. */
export async function fleetFiles(fleet: BenchFleet, vars: Readonly<Record<string, string>> = {}): Promise<FleetFiles> {
  const inventory = join(fleet.dir, 'bench.ini');
  const extra = Object.entries(vars).map(([key, value]) => ` ${key}=${value}`);
  const lines = fleet.hosts.map(
    (h) =>
      `${h.name} ansible_host=${h.address} ansible_port=${h.port} ansible_user=root ansible_ssh_private_key_file=${fleet.privateKeyFile}${extra.join('')}`,
  );
  await writeFile(inventory, `[fleet]\n${lines.join('\n')}\n`);
  const sshConfig = join(fleet.dir, 'bench_ssh_config');
  await writeFile(sshConfig, `Host *\n  UserKnownHostsFile ${fleet.knownHostsFile}\n  GlobalKnownHostsFile /dev/null\n`);
  return { inventory, sshConfig };
}

/** ssh arguments (before the command) for one host of the fleet: its key and known_hosts, a fresh connection. */
export function sshArgs(fleet: BenchFleet, host: BenchFleet['hosts'][number]): string[] {
  return [
    '-F',
    '/dev/null',
    '-o',
    'BatchMode=yes',
    '-o',
    'ControlMaster=no',
    '-o',
    `UserKnownHostsFile=${fleet.knownHostsFile}`,
    '-o',
    'GlobalKnownHostsFile=/dev/null',
    '-o',
    'LogLevel=ERROR',
    '-i',
    fleet.privateKeyFile,
    '-p',
    String(host.port),
    '-l',
    'root',
    host.address,
  ];
}

/**
 * What the floor runs on each host: the same reads bosun's baseline check makes (the packages'
 * state, the three files, the log directory), in one plain shell, nothing else.
 */
const FLOOR_READS = [
  "dpkg-query -W -f='${Status}\\n' unattended-upgrades logrotate",
  'cat /etc/apt/apt.conf.d/50unattended-upgrades /etc/apt/apt.conf.d/20auto-upgrades /etc/logrotate.d/unattended-upgrades',
  'stat -c %a:%U:%G /var/log/unattended-upgrades',
].join('; ');

/**
 * The floor: one plain ssh session per host, all in parallel, each a fresh connection,
 * doing the same read-only checks. No tool can check every host faster than this.
 */
export async function floor(fleet: BenchFleet): Promise<Sample> {
  const at = load();
  const started = performance.now();
  await Promise.all(
    fleet.hosts.map(async (host) => {
      const result = await execa('ssh', [...sshArgs(fleet, host), `{ ${FLOOR_READS}; } >/dev/null 2>&1; true`], {
        reject: false,
        stdin: 'ignore',
      });
      if (result.exitCode !== 0) throw new Error(`floor: ssh ${host.name} exited ${String(result.exitCode)}: ${result.stderr}`);
    }),
  );
  return { seconds: (performance.now() - started) / 1000, load: at };
}

/** What one Ansible run did, from its recap. */
export interface AnsibleRun extends Sample {
  readonly changed: number;
}

/**
 * `ansible-playbook [--check] bench/ansible/baseline.yml` on the fleet: pipelining,
 * ControlPersist, forks = hosts, no facts. Each run gets its own ControlPath
 * directory, so it pays for its connections as bosun's runs do.
 */
export async function ansible(check: boolean, fleet: BenchFleet, files: FleetFiles): Promise<AnsibleRun> {
  const controlDir = await mkdtemp(join(fleet.dir, 'cp-'));
  try {
    const at = load();
    const started = performance.now();
    const result = await execa(
      'ansible-playbook',
      [...(check ? ['--check'] : []), '-i', files.inventory, '-f', String(fleet.hosts.length), join(ANSIBLE_DIR, 'baseline.yml')],
      {
        reject: false,
        cwd: REPO,
        all: true,
        stdin: 'ignore',
        env: {
          ANSIBLE_CONFIG: join(ANSIBLE_DIR, 'ansible.cfg'),
          ANSIBLE_SSH_ARGS: `-F ${files.sshConfig} -o ControlMaster=auto -o ControlPersist=60s -o BatchMode=yes`,
          ANSIBLE_SSH_CONTROL_PATH_DIR: controlDir,
          ANSIBLE_LOCAL_TEMP: join(controlDir, 'tmp'),
        },
      },
    );
    const seconds = (performance.now() - started) / 1000;
    if (result.exitCode !== 0) throw new Error(`ansible-playbook exited ${String(result.exitCode)}:\n${String(result.all).slice(-4000)}`);
    const changed = [...String(result.all).matchAll(/\bchanged=(\d+)/g)].reduce((sum, match) => sum + Number(match[1]), 0);
    return { seconds, load: at, changed };
  } finally {
    // Ends the run's masters (their sockets go with the directory) before the next run.
    await execa(
      'sh',
      ['-c', 'for s in "$1"/*; do [ -S "$s" ] && ssh -o ControlPath="$s" -O exit x 2>/dev/null; done; true', 'sh', controlDir],
      { reject: false },
    );
    await rm(controlDir, { recursive: true, force: true });
  }
}

/** Runs a shell command on one host as root (for resetting it between runs). */
export async function onHost(fleet: BenchFleet, host: BenchFleet['hosts'][number], command: string): Promise<void> {
  const result = await execa('ssh', [...sshArgs(fleet, host), command], { reject: false, stdin: 'ignore' });
  if (result.exitCode !== 0) throw new Error(`ssh ${host.name} ${command}: exit ${String(result.exitCode)}: ${result.stderr}`);
}
