import { ValidationError } from '../errors.ts';
import { payload, payloadMatches, payloadOut } from '../payload.ts';
import { quote } from '../quote.ts';
import { Secret } from '../secret.ts';
import { code, lines, sh, type Shell } from '../shell.ts';
import type { Step } from '../step.ts';
import { absolutePath, bool, knownKeys, stringList, textOrSecret, type AbsolutePath, keysOf } from '../validate.ts';
import { attributes, attributesApply, attributesCheck, type AttributeProps } from './attributes.ts';
import { COMMON_KEYS, commonFields, type CommonProps } from './common.ts';

/** A file with exactly this content, written atomically. */
export interface FileProps extends CommonProps, AttributeProps {
  readonly path: AbsolutePath;
  /** The whole content, byte for byte. A `Secret` is never printed and implies `sensitive`. */
  readonly content: string | Secret;
  /**
   * A command that must accept the new content before it replaces the old file,
   * as words; `%s` stands for the temporary file: `['visudo', '-cf', '%s']`.
   */
  readonly validate?: readonly string[];
  /** Never send the current content back nor show a diff of it. */
  readonly sensitive?: boolean;
}

export interface FileResource extends FileProps {
  readonly type: 'file';
}

/** Declares a file with exactly `content`. */
export function file(props: FileProps): FileResource {
  return { type: 'file', ...props };
}

const KEYS = keysOf<FileResource>({
  type: true,
  path: true,
  content: true,
  mode: true,
  owner: true,
  group: true,
  validate: true,
  sensitive: true,
  ...COMMON_KEYS,
});

export function compileFile(resource: FileResource): Step {
  knownKeys(resource, KEYS, 'file');
  const path = absolutePath(resource.path, 'file.path');
  const where = `file(${path})`;
  const content = textOrSecret(resource.content, `${where}.content`);
  const sensitive =
    resource.content instanceof Secret || (resource.sensitive !== undefined && bool(resource.sensitive, `${where}.sensitive`));
  const wanted = attributes(resource, where);
  const data = payload(resource.content instanceof Secret ? resource.content : content);
  const validate = resource.validate === undefined ? undefined : validateCommand(resource.validate, `${where}.validate`);
  const tmp = code('"$_bosun_tmp"');
  return {
    name: `file ${path}`,
    resource: 'file',
    ...commonFields(resource, where),
    check: lines(
      placeable(path),
      sh`[ -f ${path} ] && [ ! -L ${path} ] || exit 1`,
      sh`${payloadMatches(data, path)} || exit 1`,
      attributesCheck(path, wanted),
    ),
    makes: [path],
    apply: writeAtomically(path, sh`${payloadOut(data)} >${tmp}`, attributesApply(tmp, path, wanted, '644'), validate),
    diff: {
      path,
      sensitive,
      ...(sensitive ? {} : { desired: content }),
      probe: sensitive ? code(':') : currentContentProbe(path),
    },
  };
}

/**
 * Inside a check: a file can be written at `path` only where its directory exists (or an
 * earlier step may make it) and no directory stands in its place.
 */
export function placeable(path: string): Shell {
  const dir = path.slice(0, path.lastIndexOf('/')) || '/';
  return lines(
    sh`_bosun_needs dir ${dir} ${`directory ${dir} does not exist: create it first (a directory step before this one)`}`,
    sh`if [ -d ${path} ] && [ ! -L ${path} ]; then _bosun_cannot ${`${path} is a directory, not replacing it with a file`}; fi`,
  );
}

/** Emits the size of the current file at `path`, and its content when within the diff cap (DIFF_CAP_BYTES), for a diff. */
export function currentContentProbe(path: string): Shell {
  return sh`_bosun_before ${path}`;
}

/**
 * Writes `path` through a temp file in the same directory: fill it, set its
 * attributes, validate it, then rename over the target. A failure at any point
 * (or a killed session) leaves the old file as it was.
 */
export function writeAtomically(path: string, fill: Shell, setAttributes: Shell, validate?: Shell): Shell {
  const dir = path.slice(0, path.lastIndexOf('/')) || '/';
  return lines(
    sh`_bosun_tmp=$(mktemp ${dir}/.bosun.XXXXXX) || exit 1`,
    // PIPE too: a session ended while the apply runs leaves its output nowhere to go, and the shell's
    // own "Terminated" notice on that pipe must not kill it before the temp file is gone.
    code(`trap 'rm -f "$_bosun_tmp"' EXIT HUP INT TERM PIPE`),
    sh`${fill} || exit 1`,
    setAttributes,
    validate && sh`${validate} || { printf 'bosun: validation refused the new content of %s\\n' ${path} >&2; exit 1; }`,
    sh`mv -f "$_bosun_tmp" ${path}`,
  );
}

/** The validate words with `%s` replaced by the temp file, everything else quoted. */
export function validateCommand(words: readonly string[], field: string): Shell {
  const checked = stringList(words, field);
  if (checked.length === 0) throw new ValidationError(field, 'must name a command');
  if (!checked.some((word) => word.includes('%s'))) throw new ValidationError(field, 'must contain %s (the file to validate)');
  const rendered = checked.map((word) => {
    const pieces = word.split('%s').map((piece, i) => (i > 0 ? '"$_bosun_tmp"' : '') + (piece === '' ? '' : quote(piece, field)));
    return pieces.join('') || "''";
  });
  return code(rendered.join(' '));
}
