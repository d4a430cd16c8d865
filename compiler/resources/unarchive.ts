import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { ValidationError } from '../errors.ts';
import { type LocalFiles, type LocalPath, localFile, localPath } from '../local-files.ts';
import { filePayload, payloadOut } from '../payload.ts';
import { code, lines, sh, type Shell } from '../shell.ts';
import type { Step } from '../step.ts';
import { type AbsolutePath, absolutePath, type FileMode, keysOf, knownKeys, oneOf } from '../validate.ts';
import { attributesCheck, attributesSet, wantedAttributes } from './attributes.ts';
import { COMMON_KEYS, commonFields, type CommonProps } from './common.ts';
import { checksumCommand } from './download.ts';
import { needs } from '../made-paths.ts';

/** The archive formats `unarchive` reads. */
export type ArchiveFormat = 'tar.gz' | 'tar.xz' | 'zip';

/**
 * An archive (a .tar.gz, .tar.xz or .zip from the role's folder, or one already on the host, such
 * as the file a `download` wrote) extracted into a directory. It is extracted again only when the
 * archive or these settings changed, or when an entry it extracted is gone: after extracting,
 * bosun records the archive's sha256 and the entries on the host (`/var/lib/bosun/unarchive/`
 * as root, `~/.local/state/bosun/unarchive/` otherwise), and a check compares with that record.
 * A file of the archive deleted by hand is drift and comes back; one edited by hand is not
 * looked at (a check reads no extracted content), and is overwritten when the archive is
 * extracted again. Files in the directory that the archive does not have are left alone.
 */
export type UnarchiveProps = UnarchiveCommon & (UnarchiveLocal | UnarchiveOnHost);

interface UnarchiveCommon extends CommonProps {
  /** The directory the archive's entries go into, created with its parents when missing. */
  readonly path: AbsolutePath;
  /** The archive's format. Unset: from its name (`.tar.gz`/`.tgz`, `.tar.xz`/`.txz`, `.zip`). */
  readonly format?: ArchiveFormat;
  /**
   * Leading path components dropped from every entry, as tar's `--strip-components`: 1 for a
   * tarball whose entries all sit under `solr-9.4.0/`. Tar formats only.
   */
  readonly stripComponents?: number;
  /** Owner (name or uid) of `path` and of every entry extracted. Unset: the user bosun runs as (archived owners are not restored). */
  readonly owner?: string;
  /** Group (name or gid) of `path` and of every entry extracted. */
  readonly group?: string;
  /** Mode of the directory `path` itself; the entries keep the modes the archive gives them. */
  readonly mode?: FileMode;
}

/** An archive from the role's folder: it travels to the host in the session, like a copied file. */
export interface UnarchiveLocal {
  /** The local archive: `new URL('./files/app.tar.gz', import.meta.url)` or an absolute path. */
  readonly src: LocalPath;
  /** Give one archive: src (local) or remoteSrc (on the host). */
  readonly remoteSrc?: never;
}

/** An archive already on the host: what a `download` step before this one wrote. */
export interface UnarchiveOnHost {
  /** The archive's path on the host. */
  readonly remoteSrc: AbsolutePath;
  /** Give one archive: src (local) or remoteSrc (on the host). */
  readonly src?: never;
}

export type UnarchiveResource = UnarchiveProps & { readonly type: 'unarchive' };

/** Declares an archive extracted into a directory. */
export function unarchive(props: UnarchiveProps): UnarchiveResource {
  return { type: 'unarchive', ...props };
}

const KEYS = keysOf<UnarchiveResource>({
  type: true,
  path: true,
  src: true,
  remoteSrc: true,
  format: true,
  stripComponents: true,
  owner: true,
  group: true,
  mode: true,
  ...COMMON_KEYS,
});

const FORMATS: readonly ArchiveFormat[] = ['tar.gz', 'tar.xz', 'zip'];
const SUFFIXES: readonly [RegExp, ArchiveFormat][] = [
  [/\.(tar\.gz|tgz)$/i, 'tar.gz'],
  [/\.(tar\.xz|txz)$/i, 'tar.xz'],
  [/\.zip$/i, 'zip'],
];

/** What each format needs on the host, and how it extracts and lists (the archive is in "$_bosun_archive"). */
const TOOLS: Readonly<Record<ArchiveFormat, { commands: readonly string[]; flag: string }>> = {
  'tar.gz': { commands: ['tar', 'gzip'], flag: 'z' },
  'tar.xz': { commands: ['tar', 'xz'], flag: 'J' },
  zip: { commands: ['unzip'], flag: '' },
};

export function compileUnarchive(resource: UnarchiveResource, files: LocalFiles): Step {
  knownKeys(resource, KEYS, 'unarchive');
  const path = absolutePath(resource.path, 'unarchive.path').replace(/(.)\/+$/, '$1') as AbsolutePath;
  const where = `unarchive(${path})`;
  const given = resource as { src?: unknown; remoteSrc?: unknown };
  if ((given.src === undefined) === (given.remoteSrc === undefined)) {
    throw new ValidationError(where, 'give src (a local archive) or remoteSrc (an archive on the host), exactly one of them');
  }
  const local =
    given.src === undefined
      ? undefined
      : (() => {
          const file = localPath(given.src, `${where}.src`);
          return { file, data: filePayload(localFile(files, file, `${where}.src`), file) };
        })();
  const remote = given.remoteSrc === undefined ? undefined : absolutePath(given.remoteSrc, `${where}.remoteSrc`);
  const name = local?.file ?? remote ?? '';
  const format =
    resource.format === undefined
      ? formatOf(name, local ? `${where}.src` : `${where}.remoteSrc`)
      : oneOf(resource.format, `${where}.format`, FORMATS);
  const strip = stripOf(resource.stripComponents, format, `${where}.stripComponents`);
  const wanted = wantedAttributes(resource, where);
  const settings = JSON.stringify({ v: 1, format, strip, owner: wanted.owner ?? null, group: wanted.group ?? null });
  const header = code(`"$_bosun_sum ${digest(settings).slice(0, 16)}"`);
  const record = code(`"\${_bosun_pending%/*}/unarchive/${digest(`${path}\0${posix.basename(name)}`).slice(0, 32)}"`);
  const sum = local ? sh`_bosun_sum=${local.data.sha256}` : sh`_bosun_sum=$(${checksumCommand('sha256', remote!)}) || exit 1`;
  // Extracted by this archive with these settings, and every entry still there.
  const recorded = sh`[ -d ${path} ] && [ -f ${record} ] && [ "$(head -n 1 ${record})" = ${header} ] && ${entriesExist(path, record)}`;
  const tools = TOOLS[format];
  const notDirectory = `${path} exists and is not a directory`;
  const extraction = lines(
    sh`if [ -e ${path} ] && [ ! -d ${path} ]; then printf 'bosun: %s\\n' ${notDirectory} >&2; exit 1; fi`,
    sh`mkdir -p ${path} || exit 1`,
    code("_bosun_archive='' _bosun_archive_tmp='' _bosun_new=''"),
    code(`trap '[ -z "$_bosun_new" ] || rm -f "$_bosun_new"; [ -z "$_bosun_archive_tmp" ] || rm -f "$_bosun_archive"' EXIT HUP INT TERM`),
    local
      ? lines(
          sh`_bosun_archive=$(mktemp ${`${posix.dirname(path)}/.bosun.XXXXXX`.replace(/^\/\//, '/')}) || exit 1`,
          code('_bosun_archive_tmp=1'),
          sh`${payloadOut(local.data)} >"$_bosun_archive" || exit 1`,
        )
      : sh`_bosun_archive=${remote!}`,
    extract(format, path, strip),
    code('_bosun_dir=${_bosun_pending%/*}/unarchive'),
    code('mkdir -p "$_bosun_dir" && _bosun_new=$(mktemp "$_bosun_dir/.bosun.XXXXXX") || exit 1'),
    sh`{ printf '%s\\n' ${header}; ${list(format)} | ${entries(strip)} | while IFS= read -r _bosun_e; do`,
    sh`  if [ -n "$_bosun_e" ] && { [ -e ${path}/"$_bosun_e" ] || [ -L ${path}/"$_bosun_e" ]; }; then printf '%s\\n' "$_bosun_e"; fi`,
    code('done; } >"$_bosun_new" || exit 1'),
    chownEntries(path, wanted.owner, wanted.group),
    attributesSet(path, wanted),
    sh`mv -f "$_bosun_new" ${record} || exit 1`,
  );
  return {
    name: `unarchive ${path}`,
    resource: 'unarchive',
    ...commonFields(resource, where),
    check: lines(
      sh`if [ -e ${path} ] && [ ! -d ${path} ]; then _bosun_cannot ${notDirectory}; fi`,
      remote && needs('file', remote, `${remote} does not exist: the archive must be on the host (a download before this step)`),
      sum,
      sh`if ! { ${recorded}; }; then`,
      ...tools.commands.map(
        (command) =>
          sh`  _bosun_needs_command ${`${command} is not on this host, and a ${format} archive needs it: install it before this step`} ${command}`,
      ),
      code('  exit 1'),
      code('fi'),
      attributesCheck(path, wanted),
    ),
    // No `makes`: the entries are known only once extracted, so later steps in check mode may find
    // anything under path. Extracted already, with only the directory's attributes off: those are set, nothing is extracted.
    apply: lines(
      sum,
      sh`if ${recorded}; then
${attributesSet(path, wanted)}
else
${extraction}
fi`,
    ),
  };
}

/** A test that every entry the record lists (lines after the first) is still under `path`. */
function entriesExist(path: string, record: Shell): Shell {
  return sh`{ tail -n +2 ${record} | while IFS= read -r _bosun_e; do [ -e ${path}/"$_bosun_e" ] || [ -L ${path}/"$_bosun_e" ] || exit 1; done; }`;
}

/** Extracts "$_bosun_archive" into `path`: archived owners are not restored (tar as root would). */
function extract(format: ArchiveFormat, path: string, strip: number): Shell {
  // Into the directory by cd, not tar's -C: GNU tar unquotes -C's argument (a `\n` in a
  // directory's name would become a newline). The archive's path is absolute.
  if (format === 'zip') return sh`(cd ${path} && unzip -o -q "$_bosun_archive") || exit 1`;
  const stripping = strip > 0 ? code(` --strip-components=${strip}`) : code('');
  return sh`(cd ${path} && tar -x${code(TOOLS[format].flag)}f "$_bosun_archive" --no-same-owner${stripping}) || exit 1`;
}

/** Lists the entries of "$_bosun_archive", one per line; GNU tar is told to print names as they are. */
function list(format: ArchiveFormat): Shell {
  if (format === 'zip') return code('unzip -Z1 "$_bosun_archive"');
  const flag = TOOLS[format].flag;
  return code(
    `{ if tar --version 2>/dev/null | grep -q GNU; then tar -t${flag}f "$_bosun_archive" --quoting-style=literal; else tar -t${flag}f "$_bosun_archive"; fi; }`,
  );
}

/**
 * Each listed name with `strip` leading components dropped (as tar did when extracting), after
 * the directories above it, once each: an archive need not list the directories its files are
 * in, and those belong to the owner too.
 */
function entries(strip: number): Shell {
  return sh`awk ${`{ s = $0; for (i = 0; i < ${strip}; i++) { k = index(s, "/"); if (k == 0) { s = ""; break }; s = substr(s, k + 1) }
  if (s == "") next
  n = split(s, part, "/"); p = ""
  for (j = 1; j < n; j++) { if (part[j] == "") continue; p = p part[j] "/"; if (!seen[p]++) print p }
  if (!seen[s]++) print s }`}`;
}

/** Gives every recorded entry the wanted owner and group, links themselves rather than what they point to. */
function chownEntries(path: string, owner: string | undefined, group: string | undefined): Shell | undefined {
  if (owner === undefined && group === undefined) return undefined;
  const change = owner === undefined ? sh`chgrp -h -- ${group!}` : sh`chown -h -- ${group === undefined ? owner : `${owner}:${group}`}`;
  return sh`(cd ${path} && tail -n +2 "$_bosun_new" | tr '\\n' '\\000' | xargs -0 -r ${change}) || exit 1`;
}

function formatOf(name: string, field: string): ArchiveFormat {
  const found = SUFFIXES.find(([suffix]) => suffix.test(name));
  if (found === undefined) {
    throw new ValidationError(field, `${name}: cannot tell the archive's format from its name: give format ('tar.gz', 'tar.xz' or 'zip')`);
  }
  return found[1];
}

function stripOf(value: unknown, format: ArchiveFormat, field: string): number {
  if (value === undefined) return 0;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 64) {
    throw new ValidationError(field, `must be a whole number from 0 to 64, got ${JSON.stringify(value)}`);
  }
  if (format === 'zip' && value > 0) throw new ValidationError(field, 'is only for tar archives (unzip cannot strip components)');
  return value;
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
