import { ValidationError } from '../errors.ts';
import { type Payload, payload, payloadMatches, payloadOut } from '../payload.ts';
import { DIFF_CAP_BYTES } from '../protocol.ts';
import { quote } from '../quote.ts';
import { Secret } from '../secret.ts';
import { code, lines, sh, type Shell } from '../shell.ts';
import type { Step } from '../step.ts';
import { absolutePath, bool, knownKeys, stringList, textOrSecret, type AbsolutePath, keysOf } from '../validate.ts';
import {
  type AttributeProps,
  type Attributes,
  attributeLines,
  attributesApply,
  attributesCheck,
  attributesProbe,
  wantedAttributes,
} from './attributes.ts';
import { COMMON_KEYS, commonFields, type CommonProps } from './common.ts';
import { needs } from '../made-paths.ts';

/** A file with exactly this content, written atomically. */
export interface FileProps extends CommonProps, AttributeProps {
  /** The file; its directory must exist (or be made by an earlier step). */
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
  return contentStep({
    resource: 'file',
    path,
    data: payload(resource.content instanceof Secret ? resource.content : content),
    sensitive,
    wanted: wantedAttributes(resource, where),
    newMode: '644',
    ...(resource.validate !== undefined && { validate: validateCommand(resource.validate, `${where}.validate`) }),
    common: commonFields(resource, where),
  });
}

/** A file step's parts, checked: what `file`, `copy` and `template` each make of their props. */
export interface ContentSpec {
  /** The resource type, which also starts the step's name. */
  readonly resource: string;
  /** The file on the host. */
  readonly path: AbsolutePath;
  /** The bytes the file must hold. */
  readonly data: Payload;
  /** No diff of the content, and nothing of the current content is sent back. */
  readonly sensitive: boolean;
  /** Mode, owner and group the file must have (what is not given is kept, or the defaults for a new file). */
  readonly wanted: Attributes;
  /** The mode of a new file when no mode is wanted (`stat -c %a` form). */
  readonly newMode: string;
  /** The command that must accept the temp file (`"$_bosun_tmp"`) before it replaces the old one. */
  readonly validate?: Shell;
  /** The resource's handlers and tags, checked. */
  readonly common: { readonly notify: readonly string[]; readonly tags: readonly string[] };
}

/**
 * The step that makes `path` a file holding exactly `data`, written atomically, with a diff in
 * check mode: of text, line by line; of binary content, only whether and how its size changes.
 */
export function contentStep(spec: ContentSpec): Step {
  const { path, data, wanted } = spec;
  // Content over the diff cap is never diffed: it is not decoded as text either (no copy of a large file).
  const large = data.size > DIFF_CAP_BYTES;
  const text = spec.sensitive || large ? undefined : data.text;
  const tmp = code('"$_bosun_tmp"');
  const attributes = attributeLines(wanted);
  const probe = contentProbe(path, spec.sensitive, text === undefined);
  return {
    name: `${spec.resource} ${path}`,
    resource: spec.resource,
    notify: spec.common.notify,
    tags: spec.common.tags,
    check: lines(
      placeable(path),
      sh`[ -f ${path} ] && [ ! -L ${path} ] || exit 1`,
      sh`${payloadMatches(data, path)} || exit 1`,
      attributesCheck(path, wanted),
    ),
    makes: [path],
    apply: writeAtomically(path, sh`${payloadOut(data)} >${tmp}`, attributesApply(tmp, path, wanted, spec.newMode), spec.validate),
    diff: {
      path,
      sensitive: spec.sensitive,
      ...(text !== undefined && { desired: text }),
      ...(!spec.sensitive && large && { size: data.size }),
      ...(!spec.sensitive && !large && text === undefined && { binary: { size: data.size } }),
      ...(attributes !== undefined && { attributes }),
      probe: attributes === undefined ? probe : lines(probe, attributesProbe(path, wanted)),
    },
  };
}

/** What check mode sends back for a diff: nothing (sensitive), the size (binary, or content over the cap), or the content. */
function contentProbe(path: string, sensitive: boolean, binary: boolean): Shell {
  if (sensitive) return code(':');
  return binary ? sh`if [ -f ${path} ]; then _bosun_size "$_bosun_step" "$(wc -c <${path})"; fi` : currentContentProbe(path);
}

/**
 * Inside a check: a file can be written at `path` only where its directory exists (or an
 * earlier step may make it) and no directory stands in its place.
 */
export function placeable(path: string): Shell {
  const dir = path.slice(0, path.lastIndexOf('/')) || '/';
  return lines(
    needs('dir', dir, `directory ${dir} does not exist: create it first (a directory step before this one)`),
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
