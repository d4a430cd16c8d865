import { ValidationError } from '../errors.ts';
import { allOf, code, lines, sh, type Shell } from '../shell.ts';
import { CANNOT_TELL } from '../protocol.ts';
import type { Step } from '../step.ts';
import { bool, identifier, knownKeys, oneOf, keysOf } from '../validate.ts';
import { COMMON_KEYS, commonFields, type CommonProps } from './common.ts';

/**
 * Packages installed, removed, or at the newest version. The package manager is
 * chosen on the host at run time: apt on Debian/Ubuntu, dnf or yum on RHEL/Amazon Linux.
 */
export interface PackageProps extends CommonProps {
  /** The packages, by the package manager's names (at least one). */
  readonly names: readonly [string, ...string[]];
  /** Default `present`. `latest` upgrades to the candidate version of the host's package lists. */
  readonly state?: 'present' | 'absent' | 'latest';
  /**
   * Refresh package lists before installing (apply mode only, and only when
   * something is to be installed; check mode never touches the cache).
   */
  readonly updateCache?: boolean;
}

export interface PackageResource extends PackageProps {
  readonly type: 'package';
}

export function packages(props: PackageProps): PackageResource {
  return { type: 'package', ...props };
}

const KEYS = keysOf<PackageResource>({ type: true, names: true, state: true, updateCache: true, ...COMMON_KEYS });
// Debian and RPM package names; never starts with '-', so it can't be read as an option.
const NAME = /^[A-Za-z0-9][A-Za-z0-9+._:~-]*$/;

export function compilePackage(resource: PackageResource): Step {
  knownKeys(resource, KEYS, 'package');
  if (!Array.isArray(resource.names) || resource.names.length === 0)
    throw new ValidationError('package.names', 'must list at least one package');
  const names = resource.names.map((name, i) => identifier(name, `package.names[${i}]`, NAME, 'package name'));
  const where = `package(${names.join(' ')})`;
  const state = oneOf(resource.state ?? 'present', `${where}.state`, ['present', 'absent', 'latest'] as const);
  const update = resource.updateCache !== undefined && bool(resource.updateCache, `${where}.updateCache`);
  return {
    name: `package ${names.join(' ')} ${state}`,
    resource: 'package',
    ...commonFields(resource, where),
    check: byManager(checks(names, state, update)),
    // After an apply, installed (or removed) is what can be verified everywhere.
    ...(state === 'latest' && { verify: byManager(checks(names, 'present', update)) }),
    apply: byManager(applies(names, state, update)),
  };
}

interface PerManager {
  readonly apt: Shell;
  readonly rpm: (tool: 'dnf' | 'yum') => Shell;
}

function byManager(per: PerManager): Shell {
  return sh`case $_bosun_pkg in
  apt) ${per.apt} ;;
  dnf) ${per.rpm('dnf')} ;;
  yum) ${per.rpm('yum')} ;;
  *) echo "bosun: no supported package manager (apt, dnf, yum) on this host" >&2; exit 1 ;;
esac`;
}

// apt-cache rebuilds its binary caches when they are stale: empty cache paths keep them in memory,
// so check mode writes nothing.
const APT_CACHE = code('LC_ALL=C apt-cache -o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache=');

/**
 * apt reads a name it cannot find exactly as something else: a trailing `-` or `+` as
 * "remove"/"install", `.`, `?`, `*`, `[` as a pattern (`openssh-server-` removes
 * openssh-server). Only a name apt knows exactly is ever given to it, so it is read as itself.
 */
function aptKnows(name: string): Shell {
  const base = name.split(':')[0] ?? name;
  return sh`${APT_CACHE} pkgnames -- ${base} 2>/dev/null | grep -qxF -- ${base}`;
}

function dpkgInstalled(name: string): Shell {
  return sh`dpkg-query -W -f='\${db:Status-Abbrev}' -- ${name} 2>/dev/null | grep -q '^ii'`;
}

// rpm -q reads `foo-1.2` as package foo at version 1.2: only a package whose NAME is exactly it counts.
function rpmInstalled(name: string): Shell {
  return sh`rpm -q --qf '%{NAME}\n' -- ${name} 2>/dev/null | grep -qxF -- ${name}`;
}

function rpmKnows(tool: 'dnf' | 'yum', name: string): Shell {
  return tool === 'dnf'
    ? sh`dnf -q repoquery --qf '%{name}\n' -- ${name} 2>/dev/null | grep -qxF -- ${name}`
    : sh`yum -q list -- ${name} 2>/dev/null | awk 'NR > 1 { sub(/\.[^.]*$/, "", $1); print $1 }' | grep -qxF -- ${name}`;
}

const unknown = (name: string): string => `no package is named exactly ${name} in the host's package lists`;

function checks(names: string[], state: 'present' | 'absent' | 'latest', update: boolean): PerManager {
  // A name the lists do not have cannot be installed: check mode says so (failed), unless the
  // lists may change first (updateCache, or an earlier step that may add a repository).
  const installable = (n: string): Shell =>
    update ? code('exit 1') : sh`${aptKnows(n)} || [ "$_bosun_boundless" = 1 ] || _bosun_cannot ${unknown(n)}; exit 1`;
  const newest = (n: string): Shell =>
    sh`[ -n "$(${APT_CACHE} policy -- ${n} | awk '/Installed:/ { i = $2 } /Candidate:/ { c = $2 } END { if (i != "" && i != "(none)" && i == c) print "y" }')" ]`;
  return {
    apt: allOf(
      names.map(
        (n) =>
          ({
            absent: sh`! ${dpkgInstalled(n)}`,
            latest: sh`${dpkgInstalled(n)} || { ${installable(n)}; }; ${newest(n)}`,
            present: sh`${dpkgInstalled(n)} || { ${installable(n)}; }`,
          })[state],
      ),
    ),
    rpm: (tool) =>
      allOf(
        names.map((n) => {
          const has = rpmInstalled(n);
          if (state === 'absent') return sh`! ${has}`;
          // dnf and yum write their own logs on every call: in check mode "latest" cannot be told read-only.
          // 100 means "an update is available".
          return state === 'latest'
            ? sh`${has} && { if _bosun_checking; then exit ${CANNOT_TELL}; fi; ${code(tool)} -q check-update -- ${n} >/dev/null 2>&1; [ $? -ne 100 ]; }`
            : has;
        }),
      ),
  };
}

function applies(names: string[], state: 'present' | 'absent' | 'latest', update: boolean): PerManager {
  const apt = code('DEBIAN_FRONTEND=noninteractive apt-get -q -y -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold');
  // Removal names only what is installed under exactly that name; installs only what the lists know exactly.
  const installedOnly = (installed: (n: string) => Shell): Shell =>
    lines(code('set --'), ...names.map((n) => sh`if ${installed(n)}; then set -- "$@" ${n}; fi`));
  const knownOnly = (knows: (n: string) => Shell): Shell =>
    lines(...names.map((n) => sh`${knows(n)} || { printf '%s\n' ${`bosun: ${unknown(n)}`} >&2; exit 1; }`));
  return {
    apt:
      state === 'absent'
        ? lines(installedOnly(dpkgInstalled), sh`[ "$#" -eq 0 ] || ${apt} remove -- "$@"`)
        : // install also upgrades an installed package to its candidate, which is what latest asks.
          lines(update ? sh`${apt} update || exit 1` : undefined, knownOnly(aptKnows), sh`${apt} install -- ${names}`),
    rpm: (tool) => {
      const t = code(tool);
      if (state === 'absent') return lines(installedOnly(rpmInstalled), sh`[ "$#" -eq 0 ] || ${t} -y remove -- "$@"`);
      return lines(
        update ? sh`${t} -y makecache || exit 1` : undefined,
        knownOnly((n) => rpmKnows(tool, n)),
        state === 'latest' ? sh`${t} -y install -- ${names} && ${t} -y upgrade -- ${names}` : sh`${t} -y install -- ${names}`,
      );
    },
  };
}
