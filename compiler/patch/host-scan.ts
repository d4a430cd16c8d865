import { compareDebianVersions } from './debian-version.ts';
import { isSecurityOrigin, parseAptSimulation, parseInstalled } from './apt-output.ts';
import { parseDnfCheckUpdate, parseDnfSecurityList } from './dnf-output.ts';
import type { PatchPart } from './parts.ts';

/** One package with a newer version available. */
export interface PackageUpdate {
  readonly name: string;
  readonly installed: string;
  readonly candidate: string;
  /** Where the candidate comes from (apt: `Label:Version/Suite`; dnf: the repository). */
  readonly origins: readonly string[];
  /** The candidate comes from a security suite or advisory. */
  readonly security: boolean;
  /** `apt-get upgrade` would keep it back: its new version needs a package that is not installed. */
  readonly keptBack: boolean;
}

/** A package that is installed and would be removed by autoremove, or added by a kept-back upgrade. */
export interface PackageVersion {
  readonly name: string;
  readonly version: string;
}

/** Patch state of one host, as a scan read it. */
export interface HostScan {
  /** The package manager the host has (facts). */
  readonly pkg: string;
  /** `ID/VERSION_CODENAME` of /etc/os-release (facts): the release a baseline is kept per. */
  readonly os: string;
  /** Every installed package: name → version. */
  readonly installed: Readonly<Record<string, string>>;
  /** Installed packages marked as automatically installed. */
  readonly auto: readonly string[];
  readonly updates: readonly PackageUpdate[];
  /** Packages the kept-back upgrades would add (the reason they are kept back). */
  readonly newDependencies: readonly PackageVersion[];
  readonly autoremovable: readonly PackageVersion[];
  readonly reboot: { readonly required: boolean; readonly packages: readonly string[] };
  readonly kernel: {
    readonly running: string;
    /** The newest kernel installed in /boot, when the host has one there. */
    readonly newest?: string;
    /** Whether the host runs its newest installed kernel (undefined when none is installed: a container). */
    readonly runningNewest?: boolean;
  };
  readonly bootId: string;
}

/** A part's text and the exit code of what produced it. */
export interface PartText {
  readonly rc: number;
  readonly text: string;
}

/** A scan the host could not complete: a part missing or a command that failed, in words. */
export class ScanError extends Error {
  override name = 'ScanError';
}

/**
 * Reads a scan's parts (the last of each name) into a HostScan. Throws a ScanError naming
 * the command that failed (apt's own message), so a host is reported as `failed` with it.
 */
export function readHostScan(facts: { pkg: string; os: string }, parts: ReadonlyMap<PatchPart, PartText>): HostScan {
  const need = (name: PatchPart, okCodes: readonly number[] = [0]): string => {
    const part = parts.get(name);
    if (part === undefined) throw new ScanError(`the scan sent no ${name}`);
    if (!okCodes.includes(part.rc)) throw new ScanError(`${name} failed (exit ${part.rc}): ${tail(part.text)}`);
    return part.text;
  };
  const rebootLines = need('reboot').split('\n').filter(Boolean);
  const kernel = kernelState(need('kernel'));
  const common = {
    pkg: facts.pkg,
    os: facts.os,
    installed: parseInstalled(need('installed')),
    reboot: { required: rebootLines[0] === 'yes', packages: [...new Set(rebootLines.slice(1))] },
    kernel,
    bootId: parts.get('boot-id')?.rc === 0 ? parts.get('boot-id')!.text.trim() : '',
  };
  if (facts.pkg === 'apt') {
    const upgrade = parseAptSimulation(need('upgrade-sim'));
    const dist = parseAptSimulation(need('dist-upgrade-sim'));
    const removable = parseAptSimulation(need('autoremove-sim'));
    const kept = new Set(upgrade.keptBack);
    const updates = dist.installs
      .filter((install) => install.from !== undefined)
      .map((install) => ({
        name: install.name,
        installed: install.from!,
        candidate: install.to,
        origins: install.origins,
        security: install.origins.some(isSecurityOrigin),
        keptBack: kept.has(install.name),
      }));
    return {
      ...common,
      auto: need('auto').split('\n').filter(Boolean),
      updates,
      newDependencies: dist.installs.filter((i) => i.from === undefined).map((i) => ({ name: i.name, version: i.to })),
      autoremovable: removable.removals.map((r) => ({ name: r.name, version: r.version ?? common.installed[r.name] ?? '' })),
    };
  }
  if (facts.pkg === 'dnf' || facts.pkg === 'yum') {
    // check-update exits 100 when updates are available, 0 when none.
    const available = parseDnfCheckUpdate(need('check-update', [0, 100]));
    const security = parseDnfSecurityList(need('security-list'));
    const updates = available.map((update) => ({
      name: update.name,
      installed: common.installed[update.name] ?? '',
      candidate: update.version,
      origins: [update.repository],
      security: security.has(update.name),
      keptBack: false,
    }));
    return { ...common, auto: [], updates, newDependencies: [], autoremovable: [] };
  }
  throw new ScanError(`no supported package manager on this host (found ${facts.pkg}): bosun patches apt, dnf and yum hosts`);
}

/** The `kernel` part read: the running kernel, the newest installed one, and whether they agree. */
export function kernelState(text: string): HostScan['kernel'] {
  const [running = '', ...kernels] = text.split('\n').filter(Boolean);
  const newest = [...kernels].sort(compareKernels).at(-1);
  return { running, ...(newest !== undefined && { newest, runningNewest: compareKernels(running, newest) >= 0 }) };
}

/** Kernel release strings (`6.1.0-18-amd64`) in version order. */
function compareKernels(a: string, b: string): number {
  return compareDebianVersions(a, b);
}

function tail(text: string): string {
  return text.trim().split('\n').slice(-3).join('\n');
}
