import { code, lines, sh, type Shell } from '../shell.ts';
import { attributesApply } from './attributes.ts';
import { DIFF_CAP_BYTES } from '../protocol.ts';
import { placeable, writeAtomically } from './file.ts';
import { needs } from '../made-paths.ts';

/**
 * Edits computed on the host (a line, a marked block): `transform` reads the current
 * file on stdin and prints the wanted file. The step is in its desired state exactly
 * when the transform changes nothing, so check, apply and verify agree by construction.
 */
export interface InPlaceEdit {
  readonly path: string;
  /** Reads the current content on stdin, prints the wanted content. Pure. */
  readonly transform: Shell;
  /** A missing file is created (from empty content) rather than an error. */
  readonly create: boolean;
  /** Read-only probes that find the edit cannot be made on this host (a regexp its awk refuses). */
  readonly probe?: Shell;
  /** A command (see `validateCommand`) that must accept the edited temp file before it replaces the old one. */
  readonly validate?: Shell;
}

export function editCheck(edit: InPlaceEdit): Shell {
  const missing = `${edit.path} does not exist (set create: true to create it)`;
  return lines(
    edit.create ? placeable(edit.path) : needs('file', edit.path, missing),
    edit.probe,
    // SC2094: both ends only read the file (the transform's result goes to cmp, not back to it).
    code('# shellcheck disable=SC2094'),
    sh`${edit.transform} <${edit.path} | cmp -s - ${edit.path}`,
  );
}

export function editApply(edit: InPlaceEdit): Shell {
  return lines(
    sh`if [ -e ${edit.path} ]; then _bosun_src=${edit.path}; else _bosun_src=/dev/null; fi`,
    edit.create ? undefined : sh`[ -f ${edit.path} ] || exit 1`,
    writeAtomically(
      edit.path,
      sh`${edit.transform} <"$_bosun_src" >"$_bosun_tmp"`,
      // The edited file keeps its mode and owner; a created one gets 0644.
      attributesApply(code('"$_bosun_tmp"'), edit.path, {}, '644'),
      edit.validate,
    ),
  );
}

/** Emits the current and the would-be content, both computed read-only on the host. */
export function editDiffProbe(edit: InPlaceEdit): Shell {
  return lines(
    sh`if [ -f ${edit.path} ]; then _bosun_src=${edit.path}; head -c ${DIFF_CAP_BYTES} ${edit.path} | _bosun_data before "$_bosun_step"; else _bosun_src=/dev/null; fi`,
    sh`${edit.transform} <"$_bosun_src" | head -c ${DIFF_CAP_BYTES} | _bosun_data after "$_bosun_step"`,
  );
}
