import { lines, sh, type Shell } from '../shell.ts';
import { fileMode, principal, type FileMode } from '../validate.ts';

/** Ownership and permissions shared by files and directories. */
export interface AttributeProps {
  /** Octal mode, e.g. `"0644"`. Unset: an existing file keeps its mode; a new file gets 0644 (0755 for a directory). */
  readonly mode?: FileMode;
  /** Owner name or uid. Unset: left as it is (new files belong to the user bosun runs as). */
  readonly owner?: string;
  /** Group name or gid. */
  readonly group?: string;
}

export interface Attributes {
  readonly mode?: string;
  readonly owner?: string;
  readonly group?: string;
}

export function attributes(props: AttributeProps, where: string): Attributes {
  return {
    ...(props.mode !== undefined && { mode: fileMode(props.mode, `${where}.mode`) }),
    ...(props.owner !== undefined && { owner: principal(props.owner, `${where}.owner`) }),
    ...(props.group !== undefined && { group: principal(props.group, `${where}.group`) }),
  };
}

/** Read-only test that `path` has the wanted attributes (a name or a numeric id matches). */
export function attributesCheck(path: string, wanted: Attributes): Shell {
  return lines(
    wanted.mode === undefined ? undefined : sh`[ "$(stat -c %a -- ${path})" = ${wanted.mode} ] || exit 1`,
    wanted.owner === undefined
      ? undefined
      : sh`[ "$(stat -c %U -- ${path})" = ${wanted.owner} ] || [ "$(stat -c %u -- ${path})" = ${wanted.owner} ] || exit 1`,
    wanted.group === undefined
      ? undefined
      : sh`[ "$(stat -c %G -- ${path})" = ${wanted.group} ] || [ "$(stat -c %g -- ${path})" = ${wanted.group} ] || exit 1`,
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
