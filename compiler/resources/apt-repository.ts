import { ValidationError } from '../errors.ts';
import { code, lines, sh, type Shell } from '../shell.ts';
import type { Step } from '../step.ts';
import { bool, identifier, keysOf, knownKeys, text } from '../validate.ts';
import { COMMON_KEYS, commonFields, type CommonProps } from './common.ts';
import { currentContentProbe } from './file.ts';
import { needs } from '../made-paths.ts';

/** Which suites of the repository: named suites with components, or one exact path (a flat repository). */
export type AptSuites =
  | {
      /** Suites (distribution codenames): `['bookworm']`, `['nodistro']`. */
      readonly suites: readonly [string, ...string[]];
      /** Components of each suite: `['main']`. */
      readonly components: readonly [string, ...string[]];
      /** Not with `suites`. */
      readonly exactPath?: never;
    }
  | {
      /** The path of a flat repository under each URI, ending in `/`: `./` (no components then). */
      readonly exactPath: `${string}/`;
      /** Not with `exactPath`. */
      readonly suites?: never;
      /** Not with `exactPath`. */
      readonly components?: never;
    };

/**
 * An APT repository, as a deb822 `.sources` file in /etc/apt/sources.list.d whose
 * `Signed-By:` names the repository's own signing key, kept beside it in
 * /etc/apt/keyrings (never in the keyring every repository trusts). The new files are
 * staged in a temp directory and checked by apt before they replace the old ones: apt
 * parses the staged source, or, with `updateCache`, fetches its lists with the staged key
 * (a repository that cannot be reached or whose signature that key does not verify is
 * refused, and the old files stay).
 */
export type AptRepositoryProps = CommonProps &
  AptSuites & {
    /** The files' name: `nodesource` is /etc/apt/sources.list.d/nodesource.sources and /etc/apt/keyrings/nodesource.asc (or .gpg). */
    readonly name: string;
    /** Where the repository is: `https://deb.nodesource.com/node_20.x`, `file:/srv/repo`. */
    readonly uris: readonly [string, ...string[]];
    /** The key that signs the repository: ASCII-armored text (kept as NAME.asc) or the binary key's bytes (kept as NAME.gpg). */
    readonly key: string | Uint8Array;
    /** `deb` (default), `deb-src`, or both. */
    readonly types?: readonly ('deb' | 'deb-src')[];
    /** Only these architectures (`['amd64']`); default all the host's. */
    readonly architectures?: readonly string[];
    /** Written with `Enabled: no` when false (default true): apt then ignores it. */
    readonly enabled?: boolean;
    /**
     * Fetch this repository's package lists when its files change (apply mode only; check mode
     * fetches nothing). The lists are fetched with the staged files, before they are put in
     * place, so a failed fetch leaves the old files and is tried again next run. Default false.
     */
    readonly updateCache?: boolean;
  };

export type AptRepositoryResource = AptRepositoryProps & { readonly type: 'aptRepository' };

/** Declares an APT repository signed by its own key. */
export function aptRepository(props: AptRepositoryProps): AptRepositoryResource {
  return { type: 'aptRepository', ...props };
}

const KEYS = keysOf<AptRepositoryResource>({
  type: true,
  name: true,
  uris: true,
  suites: true,
  components: true,
  exactPath: true,
  key: true,
  types: true,
  architectures: true,
  enabled: true,
  updateCache: true,
  ...COMMON_KEYS,
});

const NAME = /^[A-Za-z0-9_-][A-Za-z0-9_.-]*$/;
// Unreserved and reserved URI characters, without what apt substitutes ($) or reads as list separators (blanks).
const URI = /^[A-Za-z][A-Za-z0-9+.-]*:[A-Za-z0-9._~:/?#[\]@!&'()*+,;=%-]+$/;
const WORD = /^[A-Za-z0-9][A-Za-z0-9._~+/-]*$/;
const ARCH = /^[a-z0-9][a-z0-9-]*$/;
const SOURCES = '/etc/apt/sources.list.d';
const KEYRINGS = '/etc/apt/keyrings';
const ARMOR_BEGIN = '-----BEGIN PGP PUBLIC KEY BLOCK-----';
const ARMOR_END = '-----END PGP PUBLIC KEY BLOCK-----';
/** The first byte of an OpenPGP public key packet (tag 6): the old format's four length types, then the new format. */
const KEY_PACKET = new Set([0x98, 0x99, 0x9a, 0x9b, 0xc6]);

export function compileAptRepository(resource: AptRepositoryResource): Step {
  const given = knownKeys(resource, KEYS, 'aptRepository');
  const name = identifier(given.name, 'aptRepository.name', NAME, 'file name (letters, digits, _ . -)');
  const where = `aptRepository(${name})`;
  if (name.endsWith('.sources') || name.endsWith('.list'))
    throw new ValidationError(`${where}.name`, 'is given without .sources (bosun adds it)');
  const key = signingKey(given.key, `${where}.key`);
  const keyPath = `${KEYRINGS}/${name}.${key.extension}`;
  const otherKey = `${KEYRINGS}/${name}.${key.extension === 'asc' ? 'gpg' : 'asc'}`;
  const path = `${SOURCES}/${name}.sources`;
  const fields = sourceFields(given, where);
  const render = (signedBy: Shell | string): Shell => sh`printf '%s%s\\n' ${fields} ${signedBy}`;
  const content = `${fields}${keyPath}\n`;
  const keyOk =
    key.armored === undefined
      ? sh`printf '%s' ${key.base64} | base64 -d | cmp -s - ${keyPath}`
      : sh`printf '%s' ${key.armored} | cmp -s - ${keyPath}`;
  const fileOk = (file: string, ok: Shell): Shell =>
    sh`[ -f ${file} ] && [ ! -L ${file} ] && [ "$(stat -c %a -- ${file})" = 644 ] && ${ok}`;
  const allOk = sh`${fileOk(keyPath, keyOk)} && ${fileOk(path, sh`printf '%s' ${content} | cmp -s - ${path}`)} && [ ! -e ${otherKey} ]`;
  const update = given.updateCache !== undefined && bool(given.updateCache, `${where}.updateCache`);
  const staged = code('"$_bosun_dir"');
  // apt reads a key file by its extension: .asc armored, .gpg binary.
  const stagedKey = sh`${staged}/${`key.${key.extension}`}`;
  const onlyStaged = sh`-o Dir::Etc::SourceList=/dev/null -o Dir::Etc::SourceParts="$_bosun_dir"/parts`;
  return {
    name: `aptRepository ${name}`,
    resource: 'aptRepository',
    ...commonFields(resource, where),
    check: lines(needs('dir', SOURCES, `${SOURCES} does not exist: is this an APT host?`), sh`${allOk}`),
    makes: [KEYRINGS, keyPath, path],
    apply: lines(
      sh`[ -d ${KEYRINGS} ] || { mkdir ${KEYRINGS} && chmod 755 ${KEYRINGS}; } || exit 1`,
      code(`_bosun_dir=$(mktemp -d /etc/apt/.bosun.XXXXXX) || exit 1
trap 'rm -rf "$_bosun_dir"' EXIT HUP INT TERM
# apt checks signatures as its own user (_apt): the staged key must be readable to it.
chmod 755 "$_bosun_dir" && mkdir "$_bosun_dir"/parts || exit 1`),
      key.armored === undefined
        ? sh`printf '%s' ${key.base64} | base64 -d >${stagedKey} || exit 1`
        : sh`printf '%s' ${key.armored} >${stagedKey} || exit 1`,
      // The staged source names the staged key: apt checks them together, before either is in place.
      sh`${render(stagedKey)} >${staged}/parts/${`${name}.sources`} || exit 1`,
      sh`${render(keyPath)} >${staged}/final || exit 1`,
      sh`chmod 644 ${stagedKey} ${staged}/final || exit 1`,
      update
        ? sh`DEBIAN_FRONTEND=noninteractive apt-get -q update ${onlyStaged} -o APT::Get::List-Cleanup=0 || { printf 'bosun: apt-get update of %s failed: not installing it\\n' ${name} >&2; exit 1; }`
        : sh`apt-cache -o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache= ${onlyStaged} policy >/dev/null || { printf 'bosun: apt refused the source %s\\n' ${name} >&2; exit 1; }`,
      sh`mv -f ${stagedKey} ${keyPath} || exit 1`,
      sh`rm -f ${otherKey}`,
      sh`mv -f ${staged}/final ${path}`,
    ),
    diff: { path, sensitive: false, desired: content, probe: currentContentProbe(path) },
  };
}

/** The key checked as OpenPGP: an armored public key block, or binary bytes starting with a public key packet. */
function signingKey(value: unknown, field: string): { extension: 'asc' | 'gpg'; armored?: string; base64: string } {
  if (value instanceof Uint8Array) {
    if (value.length === 0 || !KEY_PACKET.has(value[0]!)) {
      throw new ValidationError(
        field,
        'is not a binary OpenPGP public key (it must start with a public key packet; export it with gpg --export)',
      );
    }
    return { extension: 'gpg', base64: Buffer.from(value).toString('base64') };
  }
  const armored = text(value, field);
  const trimmed = armored.trim();
  if (!trimmed.startsWith(ARMOR_BEGIN) || !trimmed.endsWith(ARMOR_END)) {
    throw new ValidationError(
      field,
      `is not an ASCII-armored public key (${ARMOR_BEGIN} … ${ARMOR_END}); give binary keys as a Uint8Array`,
    );
  }
  return { extension: 'asc', armored, base64: '' };
}

/** The deb822 stanza up to `Signed-By: ` (the key path comes last, so the staged copy can name the staged key). */
function sourceFields(given: Record<string, unknown>, where: string): string {
  const list = (key: string, grammar: RegExp, what: string, fallback?: readonly string[]): string[] => {
    const value = given[key] ?? fallback;
    if (!Array.isArray(value) || value.length === 0) throw new ValidationError(`${where}.${key}`, `must list at least one ${what}`);
    return value.map((item, index) => identifier(item, `${where}.${key}[${index}]`, grammar, what));
  };
  const types = list('types', /^deb(-src)?$/, 'type (deb, deb-src)', ['deb']);
  const uris = list('uris', URI, 'URI (scheme:path, no blanks or $)');
  const exact = given.exactPath !== undefined;
  if (exact && (given.suites !== undefined || given.components !== undefined)) {
    throw new ValidationError(`${where}.exactPath`, 'a flat repository has no suites or components');
  }
  const suites = exact
    ? [identifier(given.exactPath, `${where}.exactPath`, /^([A-Za-z0-9._~+-][A-Za-z0-9._~+/-]*)?\/$/, 'exact path ending in /')]
    : list('suites', WORD, 'suite');
  const components = exact ? [] : list('components', WORD, 'component');
  const architectures = given.architectures === undefined ? [] : list('architectures', ARCH, 'architecture');
  const enabled = given.enabled === undefined || bool(given.enabled, `${where}.enabled`);
  const field = (name: string, values: readonly string[]): string => (values.length === 0 ? '' : `${name}: ${values.join(' ')}\n`);
  return [
    '# Managed by bosun.\n',
    field('Types', types),
    field('URIs', uris),
    field('Suites', suites),
    field('Components', components),
    field('Architectures', architectures),
    enabled ? '' : 'Enabled: no\n',
    'Signed-By: ',
  ].join('');
}
