import type { HostScan, PackageUpdate, PackageVersion } from './host-scan.ts';

/** What an apply is asked to install. */
export interface UpgradeRequest {
  /** Only security updates. */
  readonly securityOnly: boolean;
  /** Also the kept-back packages, each installed on its own (`apt-get install NAME`). */
  readonly keptBack: boolean;
  /** Exact versions (a baseline applied to prod): everything is installed at these, in one transaction. */
  readonly pinned?: boolean;
}

/** How one host is upgraded: a main transaction, then kept-back packages one by one. */
export interface UpgradePlan {
  /** `upgrade`: `apt-get upgrade` (never dist-upgrade); `install`: `apt-get install NAME=VERSION…`; none: nothing to do. */
  readonly main?: { readonly kind: 'upgrade' } | { readonly kind: 'install'; readonly packages: readonly PackageVersion[] };
  /** Installed one at a time after the main transaction, each with its new dependencies. */
  readonly keptBack: readonly PackageVersion[];
  /** Packages to mark automatic again: an explicit install marks what it names as manual. */
  readonly markAuto: readonly string[];
  /** Kept-back packages this run leaves alone (not asked for with --kept-back). */
  readonly leftKeptBack: readonly PackageUpdate[];
}

/**
 * The versions a run with `request` would install on a scanned host: the updates it takes
 * (security ones only, kept-back ones only when asked) and, with kept-back ones, the new
 * packages they need. This is the candidate set a baseline is compared with.
 */
export function candidateSet(scan: HostScan, request: UpgradeRequest): Record<string, string> {
  const taken = scan.updates.filter((update) => (!request.securityOnly || update.security) && (request.keptBack || !update.keptBack));
  const set: Record<string, string> = Object.fromEntries(taken.map((update) => [update.name, update.candidate]));
  if (taken.some((update) => update.keptBack)) for (const dep of scan.newDependencies) set[dep.name] = dep.version;
  return set;
}

/** The upgrade of one scanned host for a request. */
export function upgradePlan(scan: HostScan, request: UpgradeRequest): UpgradePlan {
  const auto = new Set(scan.auto);
  const wanted = scan.updates.filter((update) => !request.securityOnly || update.security);
  const leftKeptBack = request.keptBack ? [] : wanted.filter((update) => update.keptBack);
  if (request.pinned === true) {
    const set = candidateSet(scan, request);
    const packages = Object.entries(set).map(([name, version]) => ({ name, version }));
    const added = new Set(scan.newDependencies.map((dep) => dep.name));
    return {
      ...(packages.length > 0 && { main: { kind: 'install' as const, packages } }),
      keptBack: [],
      markAuto: packages.map((p) => p.name).filter((name) => auto.has(name) || added.has(name)),
      leftKeptBack,
    };
  }
  const plain = wanted.filter((update) => !update.keptBack);
  const keptBack = request.keptBack ? wanted.filter((update) => update.keptBack).map((u) => ({ name: u.name, version: u.candidate })) : [];
  // Security only: exactly those packages, at the versions scanned; else apt-get upgrade, as the reference does.
  const securityInstall = { kind: 'install' as const, packages: plain.map((u) => ({ name: u.name, version: u.candidate })) };
  const upgrade = request.securityOnly ? securityInstall : { kind: 'upgrade' as const };
  const main = plain.length === 0 ? undefined : upgrade;
  const named = [...(main?.kind === 'install' ? main.packages : []), ...keptBack].map((p) => p.name);
  return { ...(main && { main }), keptBack, markAuto: named.filter((name) => auto.has(name)), leftKeptBack };
}
