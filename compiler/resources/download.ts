import { ValidationError } from '../errors.ts';
import { Secret } from '../secret.ts';
import { code, lines, sh, type Shell } from '../shell.ts';
import type { Step } from '../step.ts';
import { type AbsolutePath, absolutePath, keysOf, knownKeys, textOrSecret } from '../validate.ts';
import { type AttributeProps, attributesApply, attributesCheck, attributesSet, wantedAttributes } from './attributes.ts';
import { COMMON_KEYS, commonFields, type CommonProps } from './common.ts';
import { placeable, writeAtomically } from './file.ts';

/**
 * A file fetched from a URL on the host itself (with curl, or wget when it has no curl), into a
 * temp file beside `path`, and renamed over it only once its checksum is the one given: a wrong
 * checksum or a failed fetch leaves the old file as it was. The checksum decides everything: a
 * file that has it is never fetched again, and check mode compares it and fetches nothing. A host
 * with neither curl nor wget fails the step (in check mode too) with a reason, unless an earlier
 * step (a package) may install one.
 */
export type DownloadProps = DownloadCommon & (DownloadSha256 | DownloadSha512);

interface DownloadCommon extends CommonProps, AttributeProps {
  /**
   * An http, https or ftp URL, in ASCII (percent-encode anything else, as `encodeURI` does). A
   * `Secret` (a token in the query) is never printed; the step is named by its path.
   */
  readonly url: string | Secret;
  /** The file on the host; its directory must exist. */
  readonly path: AbsolutePath;
}

/** The file's sha256. */
export interface DownloadSha256 {
  /** The sha256 of the file, 64 hexadecimal digits (`sha256sum` prints it). */
  readonly sha256: string;
  /** Give one checksum: sha256 or sha512. */
  readonly sha512?: never;
}

/** The file's sha512. */
export interface DownloadSha512 {
  /** The sha512 of the file, 128 hexadecimal digits (`sha512sum` prints it). */
  readonly sha512: string;
  /** Give one checksum: sha256 or sha512. */
  readonly sha256?: never;
}

export type DownloadResource = DownloadProps & { readonly type: 'download' };

/** Declares a file fetched from a URL and verified by its checksum. */
export function download(props: DownloadProps): DownloadResource {
  return { type: 'download', ...props };
}

const KEYS = keysOf<DownloadResource>({
  type: true,
  url: true,
  path: true,
  sha256: true,
  sha512: true,
  mode: true,
  owner: true,
  group: true,
  ...COMMON_KEYS,
});

/** A checksum of a file: the algorithm (`sha256sum`, `sha512sum` on the host) and the digest, lowercase hex. */
export interface Checksum {
  /** Which digest: the host computes it with `sha256sum` or `sha512sum`. */
  readonly algorithm: 'sha256' | 'sha512';
  /** The digest, lowercase hexadecimal. */
  readonly hex: string;
}

const DIGITS = { sha256: 64, sha512: 128 } as const;

/** The one checksum of `given` (sha256 or sha512), checked: the right number of hex digits. */
export function checksumOf(given: { readonly sha256?: unknown; readonly sha512?: unknown }, where: string): Checksum {
  if ((given.sha256 === undefined) === (given.sha512 === undefined)) {
    throw new ValidationError(`${where}.sha256`, 'give the checksum of the file: sha256 or sha512 (exactly one)');
  }
  const algorithm = given.sha256 !== undefined ? 'sha256' : 'sha512';
  const value = given[algorithm];
  const field = `${where}.${algorithm}`;
  if (typeof value !== 'string') throw new ValidationError(field, `must be ${DIGITS[algorithm]} hexadecimal digits, got ${typeof value}`);
  if (!/^[0-9a-fA-F]*$/.test(value)) throw new ValidationError(field, `must be hexadecimal digits only, got ${JSON.stringify(value)}`);
  if (value.length !== DIGITS[algorithm]) {
    throw new ValidationError(field, `must be ${DIGITS[algorithm]} hexadecimal digits, got ${value.length}`);
  }
  return { algorithm, hex: value.toLowerCase() };
}

/** Shell code printing the checksum of `file` (read on stdin, so that `sha256sum` escapes no file name). */
export function checksumCommand(algorithm: Checksum['algorithm'], file: string | Shell): Shell {
  return sh`${code(`${algorithm}sum`)} <${file} | cut -c1-${DIGITS[algorithm]}`;
}

export function compileDownload(resource: DownloadResource): Step {
  knownKeys(resource, KEYS, 'download');
  const path = absolutePath(resource.path, 'download.path');
  const where = `download(${path})`;
  const url = checkedUrl(resource.url, `${where}.url`);
  const checksum = checksumOf(resource, where);
  const wanted = wantedAttributes(resource, where);
  const tmp = code('"$_bosun_tmp"');
  const neither = 'neither curl nor wget is on this host: install one before this step (packages({ names: ["curl"] }))';
  // The file is there with the wanted checksum (a link is never taken for it).
  const fetched = sh`[ -f ${path} ] && [ ! -L ${path} ] && [ "$(${checksumCommand(checksum.algorithm, path)})" = ${checksum.hex} ]`;
  const mismatch = code(`'bosun: the download has ${checksum.algorithm} %s, not %s: %s is left as it was\\n'`);
  return {
    name: `download ${path}`,
    resource: 'download',
    ...commonFields(resource, where),
    check: lines(
      placeable(path),
      sh`if ! { ${fetched}; }; then`,
      sh`  _bosun_needs_command ${neither} curl wget`,
      code('  exit 1'),
      code('fi'),
      attributesCheck(path, wanted),
    ),
    makes: [path],
    // A file that has the checksum but not the attributes gets the attributes, and is not fetched again.
    apply: sh`if ${fetched}; then
${attributesSet(path, wanted)}
else
${writeAtomically(
  path,
  lines(
    code('{'),
    sh`if command -v curl >/dev/null 2>&1; then curl --fail --silent --show-error --location --globoff --output ${tmp} ${url}`,
    // wget -q says nothing about a failure: its exit code is all there is to tell.
    sh`elif command -v wget >/dev/null 2>&1; then wget -q -O ${tmp} ${url} || { _bosun_rc=$?; printf 'bosun: wget failed (exit %s: 4 is a network failure, 8 an error response from the server)\\n' "$_bosun_rc" >&2; false; }`,
    sh`else printf 'bosun: %s\\n' ${neither} >&2; false; fi`,
    sh`} && _bosun_sum=$(${checksumCommand(checksum.algorithm, tmp)}) && { [ "$_bosun_sum" = ${checksum.hex} ] || { printf ${mismatch} "$_bosun_sum" ${checksum.hex} ${path} >&2; false; }; }`,
  ),
  attributesApply(tmp, path, wanted, '644'),
)}
fi`,
  };
}

/** An http, https or ftp URL in printable ASCII: what curl and wget read the same way. */
function checkedUrl(value: unknown, field: string): string | Secret {
  const text = textOrSecret(value, field);
  const shown = value instanceof Secret ? 'the secret URL' : JSON.stringify(text);
  if (!/^(https?|ftp):\/\/[^/?#\s]/i.test(text)) throw new ValidationError(field, `must be an http, https or ftp URL, got ${shown}`);
  if (!/^[\x21-\x7e]+$/.test(text)) {
    throw new ValidationError(field, `must be printable ASCII without spaces (percent-encode the rest, as encodeURI does), got ${shown}`);
  }
  try {
    new URL(text);
  } catch {
    throw new ValidationError(field, `is not a valid URL: ${shown}`);
  }
  return value instanceof Secret ? value : text;
}
