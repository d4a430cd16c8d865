import { expect } from 'chai';
import { execa } from 'execa';
import { once } from 'node:events';
import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { claimDir } from './addresses.ts';
import { until } from './bosun-child.ts';
import { containerInit } from './fleet-host.ts';
import { cgroupDirs, HostCgroup } from './host-cgroup.ts';
import { patience } from './patience.ts';

/** What a child process reports of the one host it started: everything that must be gone after it. */
export interface StartedHost {
  /** The host's overlay root (mounted while it runs). */
  readonly root: string;
  /** The fleet's scratch directory. */
  readonly dir: string;
  /** N of the host's address 127.0.10.N (its claim: `claimDir` in ./addresses.ts). */
  readonly addressNumber: number;
  /** The host's cgroup, relative to each hierarchy's root. */
  readonly cgroup: string;
  /** Pids of systemd-nspawn and of the container's init (its child). */
  readonly pids: readonly number[];
  /** The child process's own pid: the owner its address claim names. */
  readonly owner: number;
}

/** A running host of this process, as a StartedHost: its container's init is looked up from nspawn's pid. */
export async function startedHost(host: {
  readonly name: string;
  readonly address: string;
  readonly root: string;
  readonly fleetDir: string;
  readonly nspawnPid: number;
}): Promise<StartedHost> {
  const init = await containerInit(host.nspawnPid);
  return {
    root: host.root,
    dir: host.fleetDir,
    addressNumber: Number(host.address.split('.').at(-1)),
    cgroup: new HostCgroup(host.name).path,
    pids: [host.nspawnPid, ...(init === undefined ? [] : [init])],
    owner: process.pid,
  };
}

/**
 * Runs `code` (an ES module; it may import bosun's .ts files by URL) in a child node process, which
 * starts one host and prints its StartedHost as one JSON line, then idles. The child then gets
 * `signal`, as an operator's Ctrl-C or `kill` would send it. Resolves once the child has exited.
 */
export async function startThenInterrupt(code: string, signal: NodeJS.Signals): Promise<{ host: StartedHost; exitCode?: number }> {
  const child = execa('node', ['--import', 'tsx', '--input-type=module', '-e', code], {
    reject: false,
    stdin: 'ignore',
    buffer: { stdout: false },
  });
  // The first line, or nothing if the child ends before it. (Leaving execa's own line iterable
  // early waits for the child to end, which this child never does by itself.)
  const lines = createInterface({ input: child.stdout });
  const first = await Promise.race([once(lines, 'line').then(([line]) => line as string), child.then(() => undefined)]);
  lines.close();
  if (first === undefined) {
    const result = await child;
    throw new Error(`the child exited ${String(result.exitCode)} before it reported its host:\n${String(result.stderr).slice(-4000)}`);
  }
  const host = JSON.parse(first) as StartedHost;
  child.kill(signal);
  const result = await child;
  return { host, ...(result.exitCode !== undefined && { exitCode: result.exitCode }) };
}

/** What of `host` is still here: running pids, the mount, files, the cgroup, the address claim. Empty when all is gone. */
export async function whatStays(host: StartedHost): Promise<string[]> {
  const stays: string[] = [];
  for (const pid of host.pids) {
    if (await exists(`/proc/${pid}`))
      stays.push(`process ${pid} (${(await readFile(`/proc/${pid}/comm`, 'utf8').catch(() => '?')).trim()})`);
  }
  if ((await readFile('/proc/self/mountinfo', 'utf8')).includes(` ${host.root} `)) stays.push(`the mount ${host.root}`);
  for (const path of [host.root, host.dir]) {
    if (await exists(path)) stays.push(path);
  }
  // Another run may claim the address once it is free: only a claim by the child counts.
  const claim = claimDir(host.addressNumber);
  if ((await readFile(join(claim, 'pid'), 'utf8').catch(() => '')) === String(host.owner)) stays.push(`the address claim ${claim}`);
  for (const dir of cgroupDirs(host.cgroup)) stays.push(`the cgroup ${dir}`);
  return stays;
}

/**
 * Expects that nothing of `host` stays, waiting a while for it: the machine's init reaps the
 * child's last processes after the child is gone. The failure lists what stayed.
 */
export async function expectNothingStays(host: StartedHost): Promise<void> {
  await until('nothing of the host stays', async () => (await whatStays(host)).length === 0, patience(10_000)).catch(() => undefined);
  expect(await whatStays(host)).to.deep.equal([]);
}

function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}
