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
    check: byManager(checks(names, state)),
    // After an apply, installed (or removed) is what can be verified everywhere.
    ...(state === 'latest' && { verify: byManager(checks(names, 'present')) }),
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

function checks(names: string[], state: 'present' | 'absent' | 'latest'): PerManager {
  const installed = (n: string): Shell => sh`dpkg-query -W -f='\${db:Status-Abbrev}' ${n} 2>/dev/null | grep -q '^ii'`;
  // apt-cache policy reads the lists already on the host: check mode refreshes nothing.
  // apt-cache rebuilds its binary caches when they are stale: empty cache paths keep them in memory.
  const newest = (n: string): Shell =>
    sh`[ -n "$(LC_ALL=C apt-cache -o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache= policy ${n} | awk '/Installed:/ { i = $2 } /Candidate:/ { c = $2 } END { if (i != "" && i != "(none)" && i == c) print "y" }')" ]`;
  return {
    apt: allOf(
      names.map((n) => ({ absent: sh`! ${installed(n)}`, latest: sh`${installed(n)} && ${newest(n)}`, present: installed(n) })[state]),
    ),
    rpm: (tool) =>
      allOf(
        names.map((n) => {
          const has = sh`rpm -q --quiet ${n}`;
          if (state === 'absent') return sh`! ${has}`;
          // dnf and yum write their own logs on every call: in check mode "latest" cannot be told read-only.
          // 100 means "an update is available".
          return state === 'latest'
            ? sh`${has} && { if _bosun_checking; then exit ${CANNOT_TELL}; fi; ${code(tool)} -q check-update ${n} >/dev/null 2>&1; [ $? -ne 100 ]; }`
            : has;
        }),
      ),
  };
}

function applies(names: string[], state: 'present' | 'absent' | 'latest', update: boolean): PerManager {
  const apt = code('DEBIAN_FRONTEND=noninteractive apt-get -q -y -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold');
  return {
    apt:
      state === 'absent'
        ? sh`${apt} remove ${names}`
        : // install also upgrades an installed package to its candidate, which is what latest asks.
          lines(update ? sh`${apt} update || exit 1` : undefined, sh`${apt} install ${names}`),
    rpm: (tool) => {
      const t = code(tool);
      if (state === 'absent') return sh`${t} -y remove ${names}`;
      return lines(
        update ? sh`${t} -y makecache || exit 1` : undefined,
        state === 'latest' ? sh`${t} -y install ${names} && ${t} -y upgrade ${names}` : sh`${t} -y install ${names}`,
      );
    },
  };
}
