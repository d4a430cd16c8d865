/** One `Inst` line of an apt simulation: a package it would install or upgrade. */
export interface SimulatedInstall {
  readonly name: string;
  /** The installed version; absent for a package the transaction adds. */
  readonly from?: string;
  readonly to: string;
  /** Where the new version comes from, as apt names it: `Label:Version/Suite` each. */
  readonly origins: readonly string[];
  readonly arch?: string;
}

/** What an `apt-get -s upgrade|dist-upgrade|autoremove` printed, read. */
export interface AptSimulation {
  readonly installs: readonly SimulatedInstall[];
  /** `Remv` lines: packages it would remove, with the installed version. */
  readonly removals: readonly { readonly name: string; readonly version?: string }[];
  /** The packages listed under "The following packages have been kept back:". */
  readonly keptBack: readonly string[];
}

/**
 * Reads an apt simulation (run with LC_ALL=C). Its `Inst` lines are
 * `Inst NAME [FROM] (TO RELEASE[, RELEASE…] [ARCH])`, where each RELEASE is apt's
 * `Label:Version/Suite` (parts absent when the Release file lacks them).
 */
export function parseAptSimulation(text: string): AptSimulation {
  const installs: SimulatedInstall[] = [];
  const removals: { name: string; version?: string }[] = [];
  const keptBack: string[] = [];
  let inKeptBack = false;
  for (const line of text.split('\n')) {
    if (inKeptBack) {
      if (line.startsWith(' ')) {
        keptBack.push(...line.trim().split(/\s+/).filter(Boolean));
        continue;
      }
      inKeptBack = false;
    }
    if (/^The following packages? (?:have|has) been kept back:/.test(line)) {
      inKeptBack = true;
      continue;
    }
    const inst = /^Inst (\S+) (?:\[([^\]]+)\] )?\((\S+)(?: (.*?))?(?: \[([^\]]+)\])?\)/.exec(line);
    if (inst !== null) {
      const origins = (inst[4] ?? '')
        .split(', ')
        .map((origin) => origin.trim())
        .filter(Boolean);
      installs.push({
        name: inst[1]!,
        ...(inst[2] !== undefined && { from: inst[2] }),
        to: inst[3]!,
        origins,
        ...(inst[5] !== undefined && { arch: inst[5] }),
      });
      continue;
    }
    const remv = /^Remv (\S+)(?: \[([^\]]+)\])?/.exec(line);
    if (remv !== null) removals.push({ name: remv[1]!, ...(remv[2] !== undefined && { version: remv[2] }) });
  }
  return { installs, removals, keptBack };
}

/**
 * Whether a release apt names (`Debian-Security:12/stable-security`) is a security
 * suite: its suite ends in `-security` (Debian 11 on, Ubuntu) or `/updates` (Debian up
 * to 10), or its label says Security (Debian-Security, UbuntuESM's esm-*-security).
 */
export function isSecurityOrigin(origin: string): boolean {
  const suite = origin.includes('/') ? origin.slice(origin.lastIndexOf('/') + 1) : origin.slice(origin.indexOf(':') + 1);
  const label = origin.includes(':') ? origin.slice(0, origin.indexOf(':')) : '';
  return /-security$/.test(suite) || /\/updates$/.test(origin) || /security/i.test(label);
}

/** `dpkg-query` lines (`name TAB version TAB arch TAB status`) as name → version, installed packages only. */
export function parseInstalled(text: string): Record<string, string> {
  const installed: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const [name, version, , status] = line.split('\t');
    // Status-Abbrev: want, state, error. State i (installed) is what counts.
    if (name === undefined || version === undefined || status === undefined || status[1] !== 'i') continue;
    installed[name] = version;
  }
  return installed;
}
