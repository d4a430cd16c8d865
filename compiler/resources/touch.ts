import { code, lines, sh } from '../shell.ts';
import type { Step } from '../step.ts';
import { type AbsolutePath, absolutePath, keysOf, knownKeys } from '../validate.ts';
import { type AttributeProps, attributesApply, attributesCheck, attributesSet, wantedAttributes } from './attributes.ts';
import { COMMON_KEYS, commonFields, type CommonProps } from './common.ts';
import { placeable } from './file.ts';

/**
 * A file that exists, created empty when missing; its content is never read nor changed (a log
 * file a daemon writes, a flag file). Unlike touch(1) it leaves the times alone, so a second run
 * changes nothing. Mode, owner and group are set on the file when given.
 */
export interface TouchProps extends CommonProps, AttributeProps {
  /** The file; its directory must exist. A symbolic link to a file is followed. */
  readonly path: AbsolutePath;
}

export interface TouchResource extends TouchProps {
  readonly type: 'touch';
}

/** Declares a file that exists (created empty when missing), with these attributes. */
export function touch(props: TouchProps): TouchResource {
  return { type: 'touch', ...props };
}

const KEYS = keysOf<TouchResource>({ type: true, path: true, mode: true, owner: true, group: true, ...COMMON_KEYS });

export function compileTouch(resource: TouchResource): Step {
  knownKeys(resource, KEYS, 'touch');
  const path = absolutePath(resource.path, 'touch.path');
  const where = `touch(${path})`;
  const wanted = wantedAttributes(resource, where);
  const dangling = `${path} is a symbolic link to nothing: not creating a file through it`;
  const dir = path.slice(0, path.lastIndexOf('/')) || '/';
  return {
    name: `touch ${path}`,
    resource: 'touch',
    ...commonFields(resource, where),
    check: lines(
      placeable(path),
      sh`if [ -L ${path} ] && [ ! -e ${path} ]; then _bosun_cannot ${dangling}; fi`,
      sh`[ -e ${path} ] || exit 1`,
      attributesCheck(path, wanted, true),
    ),
    makes: [path],
    apply: sh`if [ -e ${path} ]; then
${attributesSet(path, wanted)}
else
${lines(
  // The new file gets its attributes before it appears; ln never replaces a file made meanwhile.
  sh`_bosun_tmp=$(mktemp ${dir}/.bosun.XXXXXX) || exit 1`,
  code(`trap 'rm -f "$_bosun_tmp"' EXIT HUP INT TERM`),
  attributesApply(code('"$_bosun_tmp"'), path, wanted, '644'),
  sh`ln "$_bosun_tmp" ${path} || exit 1`,
)}
fi`,
  };
}
