import { execa, type ResultPromise } from 'execa';
import { randomBytes } from 'node:crypto';
import { readFile, readdir, readlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { onProcessExit } from '../../testing/cleanup.ts';
import { mountOverlay, type OverlayRoot } from '../../testing/overlay.ts';
import { HostCgroup } from './host-cgroup.ts';

/** One booted test host: a systemd-nspawn container with sshd on its own loopback address. */
export interface FleetHost {
  /** Host name (also its hostname inside). */
  readonly name: string;
  /** Loopback address sshd listens on (127.0.10.N). */
  readonly address: string;
  readonly port: number;
  /** The host's root filesystem as seen from the controller (an overlay). */
  readonly root: string;
  /** The host's ed25519 public host key (`ssh-ed25519 AAAA…`). */
  readonly hostKey: string;
  /** How many times it has booted: a reboot from inside (systemd-nspawn exits 133) boots it again. */
  readonly boots: number;
}

/** systemd-nspawn's exit status when the container's systemd rebooted it. */
export const REBOOT_EXIT = 133;

/** A host plus what it takes to stop it: for the fleet's own use. */
export interface RunningHost extends FleetHost {
  /** Whether the container is running now. */
  running(): boolean;
  /** Pid of the systemd-nspawn process while running. */
  readonly pid: number | undefined;
  /** Boots the container again after `halt()` (same root, same keys). */
  boot(): Promise<void>;
  /** Stops the container (as pulling the plug would: sessions die); the root stays. */
  halt(): Promise<void>;
  /** Halts, unmounts and removes the root. */
  destroy(): Promise<void>;
}

/** Prepares an overlay root for host `name` on `address:port` (FLEET.md step 2). */
export async function createHost(base: string, name: string, address: string, port: number): Promise<RunningHost> {
  const { overlay, hostKey } = await prepareHostRoot(base, name, address, port);
  return new NspawnHost(name, address, port, overlay, hostKey);
}

/** A host's own root, ready to start: an overlay of `base`, and the public host key sshd will show. */
export interface HostRoot {
  readonly overlay: OverlayRoot;
  /** The ed25519 public host key (`ssh-ed25519 AAAA…`). */
  readonly hostKey: string;
}

/**
 * Mounts an overlay of `base` and gives it host `name`'s identity: sshd on `address:port`, its
 * hostname, a machine-id and host keys of its own. For a booted host (createHost) and the
 * bench's light hosts alike.
 */
export async function prepareHostRoot(base: string, name: string, address: string, port: number): Promise<HostRoot> {
  const overlay = await mountOverlay(base, `${name}-`);
  const root = overlay.root;
  const listen = port === 22 ? `ListenAddress ${address}\n` : `Port ${port}\nListenAddress ${address}\n`;
  await writeFile(join(root, 'etc/ssh/sshd_config.d/listen.conf'), listen);
  await writeFile(join(root, 'etc/hostname'), `${name}\n`);
  // The name resolves without DNS, on the 127.0.1.1 line of Debian's installer. Without it, every sudo
  // on the host (become) asked the machine's resolver for the name and waited 5 s for it to give up.
  // No ::1 line: localhost stays IPv4 only, as the base's own /etc/hosts has it.
  await writeFile(join(root, 'etc/hosts'), `127.0.0.1\tlocalhost\n127.0.1.1\t${name}\n`);
  // Every host its own identity: the base's machine-id would make them all the same machine.
  await writeFile(join(root, 'etc/machine-id'), `${randomBytes(16).toString('hex')}\n`);
  await execa('chroot', [root, 'ssh-keygen', '-A']);
  const hostKey = (await readFile(join(root, 'etc/ssh/ssh_host_ed25519_key.pub'), 'utf8')).trim().split(/\s+/).slice(0, 2).join(' ');
  return { overlay, hostKey };
}

class NspawnHost implements RunningHost {
  readonly root: string;
  #child: ResultPromise | undefined;
  #unregister: (() => void) | undefined;
  #halting = false;
  #boots = 0;
  /** This host's own cgroup: nspawn and the container in it, to be killed whole on an interrupted run. */
  readonly #cgroup: HostCgroup;

  constructor(
    readonly name: string,
    readonly address: string,
    readonly port: number,
    readonly overlay: OverlayRoot,
    readonly hostKey: string,
  ) {
    this.root = overlay.root;
    this.#cgroup = new HostCgroup(name);
  }

  running(): boolean {
    return this.#child !== undefined;
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  get boots(): number {
    return this.#boots;
  }

  async boot(): Promise<void> {
    if (this.#child !== undefined) return;
    this.#start();
  }

  /**
   * Starts systemd-nspawn. When the container's systemd reboots, nspawn exits with status 133
   * (REBOOT_EXIT): the host is booted again at once, as a machine's firmware would, unless a
   * halt asked for that exit.
   */
  #start(): void {
    // No systemd as PID 1 and no system bus on the controller: --register=no --keep-unit.
    // --keep-unit makes the caller's cgroup the container's: each host gets a cgroup of its
    // own first, or the hosts' systemds build their trees in one shared cgroup and now and
    // then fail each other's units (status 219/CGROUP, host "degraded").
    const [file, args] = this.#cgroup.command([
      'systemd-nspawn',
      '-q',
      '--register=no',
      '--keep-unit',
      '-D',
      this.root,
      '--boot',
      `--hostname=${this.name}`,
      '--console=read-only',
    ]);
    const child = execa(file, args, { reject: false, stdin: 'ignore', stdout: 'ignore', stderr: 'ignore', cleanup: false });
    this.#child = child;
    this.#boots += 1;
    this.#unregister?.();
    // An interrupted run: the whole cgroup, nspawn and the container's init with all below it,
    // before the overlay under them is unmounted (exit actions run newest first).
    this.#unregister = onProcessExit(() => this.#cgroup.killSync());
    void child.then(
      (result) => {
        if (this.#child !== child) return;
        if (result.exitCode === REBOOT_EXIT && !this.#halting) this.#start();
        else this.#child = undefined;
      },
      () => {
        if (this.#child === child) this.#child = undefined;
      },
    );
  }

  async halt(): Promise<void> {
    this.#halting = true;
    try {
      // A reboot in progress may start a new nspawn while this one ends: halt whichever runs.
      while (this.#child !== undefined) {
        const child = this.#child;
        // SIGTERM asks nspawn for a clean poweroff of the container; SIGKILL if it hangs.
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await child.catch(() => undefined);
        clearTimeout(timer);
        if (this.#child === child) this.#child = undefined;
      }
    } finally {
      this.#halting = false;
    }
    this.#unregister?.();
    this.#unregister = undefined;
    this.#cgroup.removeSync();
  }

  async destroy(): Promise<void> {
    await this.halt();
    await this.overlay.dispose();
  }
}

/** The pid (as the controller sees it) of the container's init: the child of systemd-nspawn. */
export async function containerInit(nspawnPid: number): Promise<number | undefined> {
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = await readFile(`/proc/${entry}/stat`, 'utf8').catch(() => '');
    // Fields after the parenthesised command: state, ppid, …
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (ppid === nspawnPid) return Number(entry);
  }
  return undefined;
}

/**
 * Pids of processes named `comm` inside the container started by systemd-nspawn
 * `nspawnPid`. The container has its own pid namespace (its root reads as `/`
 * after pivot_root), so processes are matched by the pid namespace of its init.
 */
export async function processesIn(nspawnPid: number, comm: string): Promise<number[]> {
  const all = (await readdir('/proc')).filter((entry) => /^\d+$/.test(entry));
  const init = await containerInit(nspawnPid);
  const namespace = init === undefined ? undefined : await readlink(`/proc/${init}/ns/pid`).catch(() => undefined);
  if (namespace === undefined) return [];
  const pids: number[] = [];
  for (const entry of all) {
    try {
      const [name, ns] = await Promise.all([readFile(`/proc/${entry}/comm`, 'utf8'), readlink(`/proc/${entry}/ns/pid`)]);
      if (name.trim() === comm && ns === namespace) pids.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return pids;
}
