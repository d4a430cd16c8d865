import { execa } from 'execa';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Fleet } from '../test/support/fleet.ts';

const REPO = fileURLToPath(new URL('..', import.meta.url));
const ANSIBLE_DIR = join(REPO, 'bench/ansible');

/** The files one fleet is driven with: the same inventory for bosun and Ansible. */
export interface FleetFiles {
  readonly inventory: string;
  readonly sshConfig: string;
}

/** Writes an INI inventory both tools read, and an ssh_config with the fleet's known_hosts. */
export async function fleetFiles(fleet: Fleet): Promise<FleetFiles> {
  const inventory = join(fleet.dir, 'bench.ini');
  const lines = fleet.hosts.map(
    (h) =>
      `${h.name} ansible_host=${h.address} ansible_port=${h.port} ansible_user=root ansible_ssh_private_key_file=${fleet.privateKeyFile}`,
  );
  await writeFile(inventory, `[fleet]\n${lines.join('\n')}\n`);
  const sshConfig = join(fleet.dir, 'bench_ssh_config');
  await writeFile(sshConfig, `Host *\n  UserKnownHostsFile ${fleet.knownHostsFile}\n  GlobalKnownHostsFile /dev/null\n`);
  return { inventory, sshConfig };
}

/** A command that must succeed with one of `codes`; its output is shown when it does not. */
async function mustRun(file: string, args: readonly string[], codes: readonly number[], env: Record<string, string> = {}): Promise<void> {
  const result = await execa(file, args, { reject: false, cwd: REPO, env, all: true, stdin: 'ignore' });
  if (!codes.includes(result.exitCode ?? -1)) {
    throw new Error(
      `${file} ${args.join(' ')} exited ${result.exitCode} (expected ${codes.join(' or ')}):\n${String(result.all).slice(-4000)}`,
    );
  }
}

/**
 * The floor: one plain `ssh host true` per host, all in parallel, each a fresh
 * connection. No tool can reach every host faster than this.
 */
export async function floor(fleet: Fleet): Promise<void> {
  await Promise.all(
    fleet.hosts.map((host) => {
      const args = fleet.sshArgs(host);
      return mustRun('ssh', ['-o', 'ControlMaster=no', ...args, 'true'], [0]);
    }),
  );
}

/**
 * `bosun check|apply playbooks/baseline.ts` on the fleet, forks = hosts. Returns the
 * longest host session of its JSON report (seconds): the part that is not the CLI's
 * own start-up, loading and compiling.
 */
export async function bosun(
  mode: 'check' | 'apply',
  fleet: Fleet,
  files: FleetFiles,
  expected: readonly number[],
  extra: readonly string[] = [],
): Promise<number> {
  const json = join(fleet.dir, `bench-${mode}.json`);
  await mustRun(
    'node',
    [
      'bin/bosun.js',
      mode,
      'playbooks/baseline.ts',
      '-i',
      files.inventory,
      '-F',
      files.sshConfig,
      '--forks',
      String(fleet.hosts.length),
      '--json',
      json,
      ...extra,
    ],
    expected,
  );
  const report = JSON.parse(await readFile(json, 'utf8')) as { hosts: { durationMs: number }[] };
  return Math.max(...report.hosts.map((host) => host.durationMs)) / 1000;
}

/**
 * `ansible-playbook [--check] bench/ansible/baseline.yml` on the fleet: pipelining,
 * ControlPersist, forks = hosts, no facts. Each run gets its own ControlPath
 * directory, so it pays for its connections as bosun's runs do.
 */
export async function ansible(check: boolean, fleet: Fleet, files: FleetFiles): Promise<void> {
  const controlDir = await mkdtemp(join(fleet.dir, 'cp-'));
  try {
    await mustRun(
      'ansible-playbook',
      [...(check ? ['--check'] : []), '-i', files.inventory, '-f', String(fleet.hosts.length), join(ANSIBLE_DIR, 'baseline.yml')],
      [0],
      {
        ANSIBLE_CONFIG: join(ANSIBLE_DIR, 'ansible.cfg'),
        ANSIBLE_SSH_ARGS: `-F ${files.sshConfig} -o ControlMaster=auto -o ControlPersist=60s -o BatchMode=yes`,
        ANSIBLE_SSH_CONTROL_PATH_DIR: controlDir,
        ANSIBLE_LOCAL_TEMP: join(controlDir, 'tmp'),
      },
    );
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
