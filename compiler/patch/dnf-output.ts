/** One line of `dnf check-update`: a package with a newer version in a repository. */
export interface DnfUpdate {
  readonly name: string;
  readonly arch: string;
  readonly version: string;
  readonly repository: string;
}

/**
 * Reads `dnf -q check-update` (or yum's): `NAME.ARCH  VERSION  REPOSITORY` per package,
 * a long name wrapping the rest onto the next line; "Obsoleting Packages" and what follows
 * are not updates of installed packages.
 */
export function parseDnfCheckUpdate(text: string): DnfUpdate[] {
  const updates: DnfUpdate[] = [];
  const words: string[] = [];
  for (const line of text.split('\n')) {
    if (/^Obsoleting Packages/i.test(line)) break;
    if (line.trim() === '' || /^(Last metadata|Security:|Loaded plugins)/.test(line)) continue;
    words.push(...line.trim().split(/\s+/));
    while (words.length >= 3) {
      const [nameArch, version, repository] = words.splice(0, 3) as [string, string, string];
      const dot = nameArch.lastIndexOf('.');
      if (dot <= 0) continue;
      updates.push({ name: nameArch.slice(0, dot), arch: nameArch.slice(dot + 1), version, repository });
    }
  }
  return updates;
}

/**
 * Reads `dnf updateinfo list --security` (`ADVISORY  SEVERITY/Sec.  NAME-VERSION-RELEASE.ARCH`):
 * the names of the packages a security advisory updates.
 */
export function parseDnfSecurityList(text: string): Set<string> {
  const names = new Set<string>();
  for (const line of text.split('\n')) {
    const nevra = line.trim().split(/\s+/)[2];
    if (nevra === undefined) continue;
    // NAME-VERSION-RELEASE.ARCH: the name is what stands before the last two dashes.
    const withoutArch = nevra.slice(0, nevra.lastIndexOf('.'));
    const parts = withoutArch.split('-');
    if (parts.length >= 3) names.add(parts.slice(0, -2).join('-'));
  }
  return names;
}
