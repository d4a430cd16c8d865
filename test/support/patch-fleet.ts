import { execa } from 'execa';
import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { buildAptRepo, REPO_PATH, REPO_SOURCES, type RepoPackage } from './apt-repo.ts';
import type { Fleet, FleetHost } from './fleet.ts';

/** What bosun-demo-sec 1.1's postinst does, as a kernel's or libc's does on Debian and Ubuntu. */
const ASK_FOR_REBOOT =
  'echo "*** System restart required ***" >/var/run/reboot-required\necho bosun-demo-sec >>/var/run/reboot-required.pkgs';

/**
 * The packages of the patch tests. Installed at 1.0; newer in the repository:
 * - bosun-demo-a 1.1, a plain update, which no longer needs bosun-demo-olddep (auto-removable after it);
 * - bosun-demo-sec 1.1, from the security suite, whose postinst asks for a reboot;
 * - bosun-demo-kept 2.0, which needs a package that is not installed (bosun-demo-newdep): kept back.
 */
export const DEMO_PACKAGES: readonly RepoPackage[] = [
  { name: 'bosun-demo-a', version: '1.0', suite: 'bookworm', depends: 'bosun-demo-olddep' },
  { name: 'bosun-demo-a', version: '1.1', suite: 'bookworm' },
  { name: 'bosun-demo-olddep', version: '1.0', suite: 'bookworm' },
  { name: 'bosun-demo-sec', version: '1.0', suite: 'bookworm' },
  { name: 'bosun-demo-sec', version: '1.1', suite: 'bookworm-security', postinst: ASK_FOR_REBOOT },
  { name: 'bosun-demo-kept', version: '1.0', suite: 'bookworm' },
  { name: 'bosun-demo-kept', version: '2.0', suite: 'bookworm', depends: 'bosun-demo-newdep' },
  { name: 'bosun-demo-newdep', version: '1.0', suite: 'bookworm' },
];

/** The versions every host starts with. */
export const INSTALLED_AT_FIRST = ['bosun-demo-a=1.0', 'bosun-demo-sec=1.0', 'bosun-demo-kept=1.0'];

/**
 * Builds the demo repository once under the fleet's directory and gives each host a copy at
 * REPO_PATH as its only apt source (Debian's own sources set aside, so nothing leaves the
 * machine), then installs the 1.0 versions through apt (bosun-demo-olddep as a dependency).
 */
export async function setUpDemoRepo(
  fleet: Fleet,
  hosts: readonly FleetHost[],
  packages: readonly RepoPackage[] = DEMO_PACKAGES,
): Promise<string> {
  const repo = join(fleet.dir, 'demo-repo');
  await buildAptRepo(repo, packages);
  await Promise.all(hosts.map((host) => useRepo(fleet, host, repo)));
  return repo;
}

/** Replaces a host's copy of the repository (after a test rebuilt it) and refreshes its lists. */
export async function useRepo(fleet: Fleet, host: FleetHost, repo: string, install: readonly string[] = INSTALLED_AT_FIRST): Promise<void> {
  await execa('rm', ['-rf', join(host.root, REPO_PATH)]);
  await mkdir(join(host.root, REPO_PATH), { recursive: true });
  await cp(repo, join(host.root, REPO_PATH), { recursive: true });
  await writeFile(join(host.root, 'etc/apt/sources.list.d/bosun-test.list'), REPO_SOURCES);
  const script = [
    'set -e',
    '[ ! -f /etc/apt/sources.list ] || mv /etc/apt/sources.list /etc/apt/sources.list.bosun-test',
    'rm -f /etc/apt/sources.list.d/debian.sources',
    'apt-get update -q >/dev/null',
    install.length === 0 ? ':' : `DEBIAN_FRONTEND=noninteractive apt-get install -y -q ${install.join(' ')} >/dev/null`,
  ].join('\n');
  const result = await fleet.exec(host, script);
  if (result.exitCode !== 0) throw new Error(`setting up the demo repository on ${host.name}: ${result.stderr}`);
}

/** Installed version of a package on a host ('' when not installed). */
export async function installedVersion(fleet: Fleet, host: FleetHost, name: string): Promise<string> {
  const result = await fleet.exec(host, `dpkg-query -W -f '\${db:Status-Abbrev} \${Version}' ${name} 2>/dev/null || true`);
  const [status, version] = result.stdout.trim().split(/\s+/);
  return status?.[1] === 'i' ? (version ?? '') : '';
}

/** A host's boot id, read over SSH. */
export async function bootId(fleet: Fleet, host: FleetHost): Promise<string> {
  return (await fleet.exec(host, 'cat /proc/sys/kernel/random/boot_id')).stdout.trim();
}

/** Reads a file of a host's root from the controller ('' when absent). */
export function hostFile(host: FleetHost, path: string): Promise<string> {
  return readFile(join(host.root, path), 'utf8').catch(() => '');
}
