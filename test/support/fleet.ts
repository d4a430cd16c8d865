import { execa } from 'execa';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SshConnection } from '../../compiler/host.ts';
import { claimAddresses, releaseAddresses, releaseAddressesSync, wildcardListens } from './addresses.ts';
import { onProcessExit } from '../../testing/cleanup.ts';
import { ensureDebianBaseInfo, type DebianBaseOptions } from './debian-base.ts';
import { containerInit, createHost, processesIn, type FleetHost, type RunningHost } from './fleet-host.ts';
import { writeKnownHosts } from './known-hosts.ts';
import { OVERLAY_DIR } from '../../testing/overlay.ts';
import { requireIntegration } from './test-kind.ts';

export type { FleetHost } from './fleet-host.ts';

/** Options of `startFleet`. */
export interface FleetOptions extends DebianBaseOptions {
  /** Host names are `${prefix}1`, `${prefix}2`…; default `h`. */
  readonly namePrefix?: string;
  /** How long to wait for every host's sshd, in ms; default 90 s. */
  readonly bootTimeoutMs?: number;
}

/** Server-side counters of one host, read from its own journal. */
export interface SessionCounts {
  /** sshd's "Starting session" lines: one per session (channel), multiplexed or not. */
  readonly sessions: number;
  /** sshd's "Accepted publickey" lines: one per authenticated connection. */
  readonly connections: number;
}

/** What a command run on a host gave back. */
export interface CommandResult {
  readonly exitCode: number | undefined;
  readonly stdout: string;
  readonly stderr: string;
}

/** Booted Debian hosts with sshd on 127.0.10.N (FLEET.md), for tests and the bench. */
export interface Fleet {
  readonly hosts: readonly FleetHost[];
  /** Private key authorized for root, deploy and alice on every host. */
  readonly privateKeyFile: string;
  /** A known_hosts file trusting every host of this fleet (and nothing else). */
  readonly knownHostsFile: string;
  /** A private scratch directory removed with the fleet. */
  readonly dir: string;
  /** How the SSH transport reaches a host (as root unless `user` is given). */
  connection(host: FleetHost, user?: string): SshConnection;
  /** ssh arguments (before the command) to reach a host with the fleet's key and known_hosts. */
  sshArgs(host: FleetHost, user?: string): string[];
  /** Runs a shell command on a host as root over SSH (one more session: count before calling). */
  exec(host: FleetHost, command: string): Promise<CommandResult>;
  /** sshd's session and connection counts on a host, read from the host's own journal. */
  sessionCounts(host: FleetHost): Promise<SessionCounts>;
  /** Kills processes named `comm` inside the host from outside (e.g. every `sshd`). */
  killInside(host: FleetHost, comm: string, signal?: NodeJS.Signals): Promise<number[]>;
  /** Waits until a host accepts `ssh -o BatchMode=yes` (after boot or an sshd restart). */
  waitForSsh(host: FleetHost, timeoutMs?: number): Promise<void>;
  /** Powers a host off (its address stops answering); its files stay for inspection. */
  halt(host: FleetHost): Promise<void>;
  /** Boots a halted host again and waits for its sshd. */
  boot(host: FleetHost): Promise<void>;
  /** Halts every host, unmounts and removes everything. Safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Boots `n` hosts in parallel from the cached base and waits until each accepts
 * `ssh -o BatchMode=yes`. Call `stop()` in an `after` hook; an interrupted run still
 * kills the containers and unmounts on exit.
 */
export async function startFleet(n: number, options: FleetOptions = {}): Promise<Fleet> {
  requireIntegration('a fleet of booted hosts');
  const base = await ensureDebianBaseInfo(options);
  await ensureInotifyInstances(n);
  // Port 22 unless this machine's own sshd holds the wildcard address there.
  const port = (await wildcardListens(22)) ? 2222 : 22;
  const numbers = await claimAddresses(n, port);
  const dir = await mkdtemp(join(OVERLAY_DIR, 'fleet-'));
  // An interrupted run: the hosts go first (their exit actions are newer), then this.
  const unclaim = onProcessExit(() => {
    spawnSync('rm', ['-rf', dir]);
    releaseAddressesSync(numbers);
  });
  const prefix = options.namePrefix ?? 'h';
  const hosts: RunningHost[] = [];
  const fleet = new BootedFleet(hosts, base.privateKeyFile, join(dir, 'known_hosts'), dir, async () => {
    await releaseAddresses(numbers);
    unclaim();
  });
  try {
    const created = await Promise.all(numbers.map((k, i) => createHost(base.root, `${prefix}${i + 1}`, `127.0.10.${k}`, port)));
    hosts.push(...created);
    await writeKnownHosts(fleet.knownHostsFile, hosts);
    await Promise.all(hosts.map((host) => fleet.boot(host, options.bootTimeoutMs)));
    return fleet;
  } catch (error) {
    await fleet.stop();
    throw error;
  }
}

/**
 * Each booted host's systemd holds several inotify instances, all counted against
 * root here: at the kernel's default of 128, the 20th host stalls early in its boot
 * and never starts sshd. Raise the limit (machine-wide, never lowered) to fit.
 */
async function ensureInotifyInstances(hosts: number): Promise<void> {
  const file = '/proc/sys/fs/inotify/max_user_instances';
  const wanted = 128 + hosts * 16;
  const current = Number((await readFile(file, 'utf8')).trim());
  if (current < wanted) await writeFile(file, `${wanted}\n`);
}

class BootedFleet implements Fleet {
  #stopped: Promise<void> | undefined;

  constructor(
    readonly hosts: RunningHost[],
    readonly privateKeyFile: string,
    readonly knownHostsFile: string,
    readonly dir: string,
    readonly release: () => Promise<void>,
  ) {}

  connection(host: FleetHost, user = 'root'): SshConnection {
    return { transport: 'ssh', address: host.address, port: host.port, user, privateKeyFile: this.privateKeyFile };
  }

  sshArgs(host: FleetHost, user = 'root'): string[] {
    return [
      '-o',
      'BatchMode=yes',
      '-o',
      'StrictHostKeyChecking=yes',
      '-o',
      `UserKnownHostsFile=${this.knownHostsFile}`,
      '-o',
      'GlobalKnownHostsFile=/dev/null',
      '-o',
      'ConnectTimeout=5',
      '-o',
      'LogLevel=ERROR',
      '-F',
      '/dev/null',
      '-i',
      this.privateKeyFile,
      '-p',
      String(host.port),
      '-l',
      user,
      host.address,
    ];
  }

  async exec(host: FleetHost, command: string): Promise<CommandResult> {
    const { exitCode, stdout, stderr } = await execa('ssh', [...this.sshArgs(host), '--', command], {
      reject: false,
      stdin: 'ignore',
    });
    return { exitCode, stdout, stderr };
  }

  async sessionCounts(host: FleetHost): Promise<SessionCounts> {
    // journald stores lines a moment after sshd logs them: read until two reads agree.
    let last = await this.#readCounts(host);
    for (let i = 0; i < 20; i += 1) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      const now = await this.#readCounts(host);
      if (now.sessions === last.sessions && now.connections === last.connections) return now;
      last = now;
    }
    return last;
  }

  async #readCounts(host: FleetHost): Promise<SessionCounts> {
    // The journal is volatile (in the container's own /run): reach it through its init's root.
    const nspawn = this.#running(host).pid;
    const init = nspawn === undefined ? undefined : await containerInit(nspawn);
    if (init === undefined) throw new Error(`${host.name} is not running: its journal is gone`);
    const result = await execa(
      'journalctl',
      ['-D', `/proc/${init}/root/run/log/journal`, '--no-pager', '-q', '-o', 'cat', 'SYSLOG_IDENTIFIER=sshd'],
      { reject: false },
    );
    if (result.exitCode !== 0) throw new Error(`${host.name}: journalctl failed: ${result.stderr}`);
    const lines = result.stdout.split('\n');
    return {
      sessions: lines.filter((line) => line.startsWith('Starting session:')).length,
      connections: lines.filter((line) => line.startsWith('Accepted publickey')).length,
    };
  }

  async killInside(host: FleetHost, comm: string, signal: NodeJS.Signals = 'SIGKILL'): Promise<number[]> {
    const nspawn = this.#running(host).pid;
    const pids = nspawn === undefined ? [] : await processesIn(nspawn, comm);
    for (const pid of pids) {
      try {
        process.kill(pid, signal);
      } catch {
        // gone already
      }
    }
    return pids;
  }

  async halt(host: FleetHost): Promise<void> {
    await this.#running(host).halt();
  }

  async boot(host: FleetHost, timeoutMs = 90_000): Promise<void> {
    await this.#running(host).boot();
    try {
      await this.waitForSsh(host, timeoutMs);
    } catch (error) {
      // Say what the host's own journal says: that is where a boot that stalled tells why.
      throw new Error(`${(error as Error).message}\nlast lines of ${host.name}'s journal:\n${await this.#journalTail(host)}`, {
        cause: error,
      });
    }
  }

  async #journalTail(host: FleetHost): Promise<string> {
    const nspawn = this.#running(host).pid;
    const init = nspawn === undefined ? undefined : await containerInit(nspawn);
    if (init === undefined) return `${host.name}: not running, no journal`;
    const result = await execa('journalctl', ['-D', `/proc/${init}/root/run/log/journal`, '--no-pager', '-q', '-n', '40'], {
      reject: false,
    });
    return result.stdout || result.stderr;
  }

  async waitForSsh(host: FleetHost, timeoutMs = 90_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last: { exitCode?: number; stderr: string } | undefined;
    while (Date.now() < deadline) {
      if (!this.#running(host).running()) throw new Error(`${host.name}: systemd-nspawn exited while booting`);
      last = await execa('ssh', [...this.sshArgs(host), 'true'], { reject: false, stdin: 'ignore', timeout: 10_000 });
      if (last.exitCode === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`${host.name} (${host.address}): sshd not reachable after ${timeoutMs} ms: ${last?.stderr ?? ''}`);
  }

  #running(host: FleetHost): RunningHost {
    const running = this.hosts.find((candidate) => candidate === host || candidate.name === host.name);
    if (running === undefined) throw new Error(`${host.name} is not a host of this fleet`);
    return running;
  }

  stop(): Promise<void> {
    this.#stopped ??= (async () => {
      const results = await Promise.allSettled(this.hosts.map((host) => host.destroy()));
      await rm(this.dir, { recursive: true, force: true });
      await this.release();
      const failed = results.find((result) => result.status === 'rejected');
      if (failed !== undefined) throw (failed as PromiseRejectedResult).reason;
    })();
    return this.#stopped;
  }
}

/** Reads a file inside a host from the controller (through its overlay root). */
export function readOnHost(host: FleetHost, path: string): Promise<string> {
  return readFile(join(host.root, path), 'utf8');
}
