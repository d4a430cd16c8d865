import { ValidationError } from '../errors.ts';
import { code, join, lines, sh, type Shell } from '../shell.ts';
import type { Step } from '../step.ts';
import { type AbsolutePath, absolutePath, fileMode, keysOf, knownKeys, principal, type FileMode } from '../validate.ts';
import { COMMON_KEYS, commonFields, type CommonProps } from './common.ts';
import { needs } from '../made-paths.ts';

/** Ownership and permissions shared by files and directories. */
export interface AttributeProps {
  /** Octal mode, e.g. `"0644"`. Unset: an existing file keeps its mode; a new file gets 0644 (0755 for a directory). */
  readonly mode?: FileMode;
  /** Owner name or uid. Unset: left as it is (new files belong to the user bosun runs as). */
  readonly owner?: string;
  /** Group name or gid. */
  readonly group?: string;
}

/** Attributes checked: the mode as `stat -c %a` prints it, owner and group names or ids. */
export interface Attributes {
  /** As `stat -c %a` prints it: `640`, `1777`. */
  readonly mode?: string;
  /** A user name or uid. */
  readonly owner?: string;
  /** A group name or gid. */
  readonly group?: string;
}

/** The attributes props ask for, checked (errors name `where`.mode and so on). */
export function wantedAttributes(props: AttributeProps, where: string): Attributes {
  return {
    ...(props.mode !== undefined && { mode: fileMode(props.mode, `${where}.mode`) }),
    ...(props.owner !== undefined && { owner: principal(props.owner, `${where}.owner`) }),
    ...(props.group !== undefined && { group: principal(props.group, `${where}.group`) }),
  };
}

/**
 * Read-only test that `path` has the wanted attributes (a name or a numeric id matches); with
 * `follow`, those of what a symbolic link at `path` points to, as chmod and chown change them.
 * One `stat` reads them all: a process per attribute was most of a converged file step's cost.
 */
export function attributesCheck(path: string, wanted: Attributes, follow = false): Shell {
  const formats: string[] = [];
  // The positional parameter that `stat`'s next field lands in (names and ids hold no blank).
  const field = (format: string): Shell => {
    formats.push(format);
    return code(`"$${formats.length}"`);
  };
  const is = (format: string, value: string): Shell => sh`[ ${field(format)} = ${value} ]`;
  const tests = [
    wanted.mode === undefined ? undefined : is('%a', wanted.mode),
    wanted.owner === undefined ? undefined : sh`{ ${is('%U', wanted.owner)} || ${is('%u', wanted.owner)}; }`,
    wanted.group === undefined ? undefined : sh`{ ${is('%G', wanted.group)} || ${is('%g', wanted.group)}; }`,
  ];
  if (formats.length === 0) return code(':');
  // The mode alone (the common case) reads as one test, with the same one process.
  if (formats.length === 1 && wanted.mode !== undefined) {
    return sh`[ "$(${code(follow ? 'stat -L -c' : 'stat -c')} %a -- ${path})" = ${wanted.mode} ] || exit 1`;
  }
  return lines(
    sh`_bosun_st=$(${code(follow ? 'stat -L -c' : 'stat -c')} ${formats.join(' ')} -- ${path}) || exit 1`,
    // A check runs in a subshell of its own: its positional parameters and -f are its own.
    code('set -f'),
    code('# shellcheck disable=SC2086'),
    code('set -- $_bosun_st'),
    ...tests.map((test) => test && sh`${test} || exit 1`),
  );
}

/** The wanted attributes as the lines a diff shows (`mode 440`, `owner root`, `group root`); undefined when none is wanted. */
export function attributeLines(wanted: Attributes): string | undefined {
  const lines = [
    ...(wanted.mode === undefined ? [] : [`mode ${wanted.mode}`]),
    ...(wanted.owner === undefined ? [] : [`owner ${wanted.owner}`]),
    ...(wanted.group === undefined ? [] : [`group ${wanted.group}`]),
  ];
  return lines.length === 0 ? undefined : `${lines.join('\n')}\n`;
}

/**
 * Check mode, for a diff: the current attributes of an existing `path` in the lines of
 * `attributeLines` (a name where a name is wanted, an id where an id is), as an `attrs` frame.
 */
export function attributesProbe(path: string, wanted: Attributes): Shell {
  const numeric = (value: string): boolean => /^[0-9]+$/.test(value);
  const parts = [
    wanted.mode === undefined ? undefined : sh`printf 'mode %s\\n' "$(stat -c %a -- ${path})"`,
    wanted.owner === undefined ? undefined : sh`printf 'owner %s\\n' "$(stat -c ${numeric(wanted.owner) ? '%u' : '%U'} -- ${path})"`,
    wanted.group === undefined ? undefined : sh`printf 'group %s\\n' "$(stat -c ${numeric(wanted.group) ? '%g' : '%G'} -- ${path})"`,
  ];
  return sh`if [ -e ${path} ]; then { ${join(parts, '; ')}; } | _bosun_data attrs "$_bosun_step"; fi`;
}

/** Sets the wanted attributes on an existing `path` (what a link there points to), leaving the rest as they are. */
export function attributesSet(path: string, wanted: Attributes): Shell {
  if (Object.keys(wanted).length === 0) return code(':');
  return lines(
    wanted.mode === undefined ? undefined : sh`chmod ${wanted.mode} ${path} || exit 1`,
    wanted.owner === undefined ? undefined : sh`chown ${wanted.owner} ${path} || exit 1`,
    wanted.group === undefined ? undefined : sh`chgrp ${wanted.group} ${path} || exit 1`,
  );
}

/**
 * Sets attributes on `target` (a temp file about to replace `existing`). What is
 * not given is copied from the existing file, or defaults for a new one.
 */
export function attributesApply(target: Shell, existing: string, wanted: Attributes, defaultMode: string): Shell {
  const mode =
    wanted.mode === undefined
      ? sh`if [ -e ${existing} ]; then chmod "$(stat -c %a -- ${existing})" ${target}; else chmod ${defaultMode} ${target}; fi || exit 1`
      : sh`chmod ${wanted.mode} ${target} || exit 1`;
  // Copy what is not given from the existing file first; then set what is.
  const keep = wanted.owner === undefined || wanted.group === undefined;
  return lines(
    mode,
    keep ? sh`if [ -e ${existing} ]; then chown "$(stat -c %u:%g -- ${existing})" ${target} || exit 1; fi` : undefined,
    wanted.owner !== undefined ? sh`chown ${wanted.owner} ${target} || exit 1` : undefined,
    wanted.group !== undefined ? sh`chgrp ${wanted.group} ${target} || exit 1` : undefined,
  );
}

/**
 * The mode, owner or group of a path something else makes (a package, an installer, a log a
 * daemon opens), without owning its content: the path must exist (the step fails, in check
 * mode too, when it does not and no earlier step may make it). A symbolic link is followed.
 */
export type AttributesProps = AttributesTarget &
  AttributeProps &
  (Required<Pick<AttributeProps, 'mode'>> | Required<Pick<AttributeProps, 'owner'>> | Required<Pick<AttributeProps, 'group'>>);

/** What `attributes` applies to (with at least one of mode, owner, group). */
export interface AttributesTarget extends CommonProps {
  /** An existing file, directory or other path; a symbolic link is followed. */
  readonly path: AbsolutePath;
}

export type AttributesResource = AttributesProps & { readonly type: 'attributes' };

/** Declares the mode, owner or group of an existing path. */
export function attributes(props: AttributesProps): AttributesResource {
  return { type: 'attributes', ...props };
}

const KEYS = keysOf<AttributesResource>({ type: true, path: true, mode: true, owner: true, group: true, ...COMMON_KEYS });

export function compileAttributes(resource: AttributesResource): Step {
  knownKeys(resource, KEYS, 'attributes');
  const path = absolutePath(resource.path, 'attributes.path');
  const where = `attributes(${path})`;
  const wanted = wantedAttributes(resource, where);
  if (Object.keys(wanted).length === 0) throw new ValidationError(where, 'must set at least one of mode, owner, group');
  const missing = `${path} does not exist: attributes does not create it (use touch, file or directory)`;
  return {
    name: `attributes ${path}`,
    resource: 'attributes',
    ...commonFields(resource, where),
    check: lines(needs('path', path, missing), attributesCheck(path, wanted, true)),
    makes: [],
    apply: lines(sh`[ -e ${path} ] || { printf 'bosun: %s\\n' ${missing} >&2; exit 1; }`, attributesSet(path, wanted)),
  };
}
