import { ValidationError } from '../errors.ts';
import { lines, sh } from '../shell.ts';
import type { Step } from '../step.ts';
import { absolutePath, knownKeys, text, type AbsolutePath, keysOf } from '../validate.ts';
import { COMMON_KEYS, commonFields, type CommonProps } from './common.ts';

/** A symbolic link at `path` pointing to `target` (which need not exist). */
export interface SymlinkProps extends CommonProps {
  /** Where the link is. */
  readonly path: AbsolutePath;
  /** What the link points to, absolute or relative to the link's directory. */
  readonly target: string;
}

export interface SymlinkResource extends SymlinkProps {
  readonly type: 'symlink';
}

export function symlink(props: SymlinkProps): SymlinkResource {
  return { type: 'symlink', ...props };
}

const KEYS = keysOf<SymlinkResource>({ type: true, path: true, target: true, ...COMMON_KEYS });

export function compileSymlink(resource: SymlinkResource): Step {
  knownKeys(resource, KEYS, 'symlink');
  const path = absolutePath(resource.path, 'symlink.path');
  const target = text(resource.target, `symlink(${path}).target`);
  if (target === '') throw new ValidationError(`symlink(${path}).target`, 'must not be empty (a link cannot point to nothing)');
  return {
    name: `symlink ${path}`,
    resource: 'symlink',
    ...commonFields(resource, `symlink(${path})`),
    // readlink's newline and any trailing newlines of the target survive through the x sentinel.
    check: lines(
      sh`if [ -d ${path} ] && [ ! -L ${path} ]; then _bosun_cannot ${`${path} is a directory, not replacing it with a link`}; fi`,
      sh`[ -L ${path} ] || exit 1`,
      sh`_bosun_target=$(readlink ${path} && printf x) || exit 1`,
      sh`[ "\${_bosun_target%?x}" = ${target} ]`,
    ),
    makes: [path],
    apply: lines(
      sh`if [ -d ${path} ] && [ ! -L ${path} ]; then printf 'bosun: %s is a directory, not replacing it with a link\\n' ${path} >&2; exit 1; fi`,
      sh`ln -sfn -- ${target} ${path}`,
    ),
  };
}
