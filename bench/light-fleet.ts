import { execa, type ResultPromise } from 'execa';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { claimAddresses, releaseAddresses, releaseAddressesSync, wildcardListens } from '../test/support/addresses.ts';
import { ensureDebianBaseInfo, type DebianBaseOptions } from '../test/support/debian-base.ts';
import { prepareHostRoot } from '../test/support/fleet-host.ts';
import { HostCgroup } from '../test/support/host-cgroup.ts';
import { writeKnownHosts } from '../test/support/known-hosts.ts';
import { onProcessExit } from '../testing/cleanup.ts';
import { OVERLAY_DIR, type OverlayRoot } from '../testing/overlay.ts';
import type { BenchFleet } from './fleet-runs.ts';
import { sshArgs } from './fleet-runs.ts';

/** A light fleet: what the bench needs of it, and how to take it down. */
export interface LightFleet extends BenchFleet {
  readonly hosts: readonly LightHost[];
  stop(): Promise<void>;
}

/** One sshd-only host, while it runs. */
export interface LightHost {
  readonly name: string;
  readonly address: string;
  readonly port: number;
  readonly hostKey: string;
  readonly overlay: OverlayRoot;
  /** nspawn and sshd run here: an interrupted bench kills the host whole (test/support/host-cgroup.ts). */
  readonly cgroup: HostCgroup;
  child?: ResultPromise;
  /** Unregisters the host's exit action once it is stopped. */
  forget?: () => void;
}

/**
 * `n` light hosts for the bench: each the same Debian root as a booted host (an overlay of the
 * cached base, its own host keys, sshd on its own loopback address), but run by systemd-nspawn
 * with sshd alone in it (`--as-pid2`: a stub init reaps), no systemd, no journald. A hundred of
 * them cost what a few booted hosts do. bosun sees a host without systemd (init: sysv); the
 * baseline playbook manages packages and files only, so both tools do the same work as on booted hosts.
 */
export async function startLightFleet(n: number, options: DebianBaseOptions & { readonly namePrefix?: string } = {}): Promise<LightFleet> {
  const base = await ensureDebianBaseInfo(options);
  const port = (await wildcardListens(22)) ? 2222 : 22;
  const numbers = await claimAddresses(n, port);
  const dir = await mkdtemp(join(OVERLAY_DIR, 'light-fleet-'));
  // An interrupted bench: the hosts go first (their exit actions are newer), then this.
  const forget = onProcessExit(() => {
    spawnSync('rm', ['-rf', dir]);
    releaseAddressesSync(numbers);
  });
  const hosts: LightHost[] = [];
  const knownHostsFile = join(dir, 'known_hosts');
  const fleet: LightFleet = {
    hosts,
    privateKeyFile: base.privateKeyFile,
    knownHostsFile,
    dir,
    stop: async () => {
      await Promise.allSettled(hosts.map(stopHost));
      await rm(dir, { recursive: true, force: true });
      await releaseAddresses(numbers);
      forget();
    },
  };
  try {
    const prefix = options.namePrefix ?? 'l';
    hosts.push(...(await Promise.all(numbers.map((k, i) => createLightHost(base.root, `${prefix}${i + 1}`, `127.0.10.${k}`, port)))));
    await writeKnownHosts(knownHostsFile, hosts);
    for (const host of hosts) startHost(host);
    await Promise.all(hosts.map((host) => waitForSsh(fleet, host)));
    return fleet;
  } catch (error) {
    await fleet.stop();
    throw error;
  }
}

async function createLightHost(base: string, name: string, address: string, port: number): Promise<LightHost> {
  // The same root as a booted host's; only how it is started differs (startHost).
  const { overlay, hostKey } = await prepareHostRoot(base, name, address, port);
  return { name, address, port, hostKey, overlay, cgroup: new HostCgroup(name) };
}

function startHost(host: LightHost): void {
  const [file, args] = host.cgroup.command([
    'systemd-nspawn',
    '-q',
    '--register=no',
    '--keep-unit',
    '--as-pid2',
    '-D',
    host.overlay.root,
    `--hostname=${host.name}`,
    // /run is a fresh tmpfs in the container: sshd's privilege separation directory goes there first.
    'sh',
    '-c',
    'mkdir -p /run/sshd && exec /usr/sbin/sshd -D -e',
  ]);
  host.child = execa(file, args, { reject: false, stdin: 'ignore', stdout: 'ignore', stderr: 'ignore', cleanup: false });
  host.forget = onProcessExit(() => host.cgroup.killSync());
}

async function stopHost(host: LightHost): Promise<void> {
  const child = host.child;
  if (child !== undefined) {
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await child.catch(() => undefined);
    clearTimeout(timer);
  }
  host.forget?.();
  host.cgroup.removeSync();
  await host.overlay.dispose();
}

async function waitForSsh(fleet: BenchFleet, host: LightHost, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    const result = await execa('ssh', [...sshArgs(fleet, host), 'true'], { reject: false, stdin: 'ignore', timeout: 10_000 });
    if (result.exitCode === 0) return;
    last = result.stderr;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${host.name} (${host.address}): sshd not reachable after ${timeoutMs} ms: ${last}`);
}
