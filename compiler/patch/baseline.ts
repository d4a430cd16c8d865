import { ValidationError } from '../errors.ts';
import type { UpgradeRequest } from './upgrade-plan.ts';

/**
 * The patch set a stage applied (non-prod), per distribution release: exact package
 * versions, for prod to install exactly those (the reference's "verify the production patch
 * details with non-production", then install only on a match).
 */
export interface Baseline {
  readonly format: 1;
  /** The stage that applied it, e.g. `nonprod`. */
  readonly stage: string;
  /** When it was applied (ISO 8601): the soak time counts from here. */
  readonly createdAt: string;
  /** What the stage asked for: prod must ask for the same. */
  readonly securityOnly: boolean;
  readonly keptBack: boolean;
  /** Per release (`debian/bookworm`): package → the version installed, and the hosts it was applied on. */
  readonly releases: Readonly<Record<string, { readonly packages: Readonly<Record<string, string>>; readonly hosts: readonly string[] }>>;
}

/** What one patched host applied: its release and the packages whose version changed or that were added. */
export interface AppliedSet {
  readonly host: string;
  readonly os: string;
  readonly applied: Readonly<Record<string, string>>;
}

/**
 * The baseline of a stage from what its hosts applied. Two hosts of one release that got
 * different versions of a package make no baseline: prod could not match both.
 */
export function buildBaseline(stage: string, createdAt: Date, request: UpgradeRequest, hosts: readonly AppliedSet[]): Baseline {
  const releases: Record<string, { packages: Record<string, string>; hosts: string[] }> = {};
  const from: Record<string, Record<string, string>> = {};
  for (const host of hosts) {
    releases[host.os] ??= { packages: {}, hosts: [] };
    from[host.os] ??= {};
    const release = releases[host.os]!;
    const sources = from[host.os]!;
    release.hosts.push(host.host);
    for (const [name, version] of Object.entries(host.applied)) {
      const known = release.packages[name];
      if (known !== undefined && known !== version) {
        throw new ValidationError(
          'baseline',
          `${host.os}: ${name} was installed at ${known} on ${sources[name]} but at ${version} on ${host.host}: no single patch set for prod (were their repositories the same?)`,
        );
      }
      release.packages[name] = version;
      sources[name] ??= host.host;
    }
  }
  return { format: 1, stage, createdAt: createdAt.toISOString(), securityOnly: request.securityOnly, keptBack: request.keptBack, releases };
}

/** Reads a baseline file; every problem names the field and the file. */
export function parseBaseline(text: string, file: string): Baseline {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new ValidationError('baseline', `not JSON: ${(error as Error).message}`, { file });
  }
  const fail = (field: string, problem: string): never => {
    throw new ValidationError(field, problem, { file });
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return fail('baseline', 'must be an object written by bosun patch apply --stage');
  const b = value as Record<string, unknown>;
  if (b.format !== 1) fail('format', `must be 1, got ${JSON.stringify(b.format)}`);
  if (typeof b.stage !== 'string') fail('stage', 'must be a string');
  if (typeof b.createdAt !== 'string' || Number.isNaN(Date.parse(b.createdAt)))
    fail('createdAt', `must be an ISO 8601 time, got ${JSON.stringify(b.createdAt)}`);
  if (typeof b.securityOnly !== 'boolean') fail('securityOnly', 'must be true or false');
  if (typeof b.keptBack !== 'boolean') fail('keptBack', 'must be true or false');
  if (typeof b.releases !== 'object' || b.releases === null || Array.isArray(b.releases))
    fail('releases', 'must be an object of release → packages');
  for (const [release, entry] of Object.entries(b.releases as Record<string, unknown>)) {
    const e = entry as { packages?: unknown; hosts?: unknown } | null;
    if (typeof e?.packages !== 'object' || e.packages === null)
      fail(`releases.${release}.packages`, 'must be an object of package → version');
    for (const [name, version] of Object.entries(e!.packages as Record<string, unknown>)) {
      if (typeof version !== 'string' || version === '')
        fail(`releases.${release}.packages.${name}`, `must be a version, got ${JSON.stringify(version)}`);
    }
    if (!Array.isArray(e!.hosts) || e!.hosts.some((h) => typeof h !== 'string'))
      fail(`releases.${release}.hosts`, 'must be a list of host names');
  }
  return value as Baseline;
}

/**
 * How a host's candidate set differs from the baseline of its release, one line each; empty
 * when it matches. Every candidate must be in the baseline at the same version, and every
 * baseline package the host has at another version must be a candidate (a package kept back
 * on this host, or missing from its repositories, is a difference too).
 */
export function baselineDifferences(
  os: string,
  candidates: Readonly<Record<string, string>>,
  installed: Readonly<Record<string, string>>,
  baseline: Baseline,
): string[] {
  const release = baseline.releases[os];
  if (release === undefined)
    return [`the baseline has no patch set for ${os} (it has ${Object.keys(baseline.releases).join(', ') || 'none'})`];
  const differences: string[] = [];
  for (const [name, version] of Object.entries(candidates)) {
    const wanted = release.packages[name];
    if (wanted === undefined) differences.push(`${name} ${version} is a candidate here but not in the baseline`);
    else if (wanted !== version) differences.push(`${name}: the candidate here is ${version}, the baseline has ${wanted}`);
  }
  for (const [name, version] of Object.entries(release.packages)) {
    const have = installed[name];
    if (have === undefined || have === version || candidates[name] !== undefined) continue;
    differences.push(`${name}: the baseline has ${version}, this host has ${have} and would not get it`);
  }
  return differences;
}

/**
 * Why a baseline cannot be applied yet, or undefined: it must have soaked for `soakMs` since it
 * was applied (the reference waits a week), and prod must ask for what non-prod did.
 */
export function baselineRefusal(
  baseline: Baseline,
  request: UpgradeRequest,
  now: Date,
  soakMs: number,
  force: boolean,
): string | undefined {
  if (baseline.securityOnly !== request.securityOnly || baseline.keptBack !== request.keptBack) {
    const asked = (r: { securityOnly: boolean; keptBack: boolean }): string =>
      `${r.securityOnly ? '--security-only' : 'all updates'}${r.keptBack ? ' with --kept-back' : ''}`;
    return `the baseline was applied as ${asked(baseline)}, this run asks for ${asked(request)}: run with the same options`;
  }
  const age = now.getTime() - Date.parse(baseline.createdAt);
  if (!force && age < soakMs) {
    const days = (ms: number): string => `${(ms / 86_400_000).toFixed(1)} days`;
    return `the baseline from ${baseline.stage} is ${days(Math.max(0, age))} old, less than the soak time of ${days(soakMs)} (--force to apply it anyway)`;
  }
  return undefined;
}
