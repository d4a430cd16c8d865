import { ValidationError } from '../errors.ts';
import { lines, sh } from '../shell.ts';
import type { Step } from '../step.ts';
import { absolutePath, knownKeys, type AbsolutePath, keysOf } from '../validate.ts';
import { COMMON_KEYS, commonFields, type CommonProps } from './common.ts';

/** Nothing at `path`: a file, link or directory (recursively) is removed. */
export interface AbsentProps extends CommonProps {
  /** What must not exist. */
  readonly path: AbsolutePath;
}

export interface AbsentResource extends AbsentProps {
  readonly type: 'absent';
}

export function absent(props: AbsentProps): AbsentResource {
  return { type: 'absent', ...props };
}

const KEYS = keysOf<AbsentResource>({ type: true, path: true, ...COMMON_KEYS });

export function compileAbsent(resource: AbsentResource): Step {
  knownKeys(resource, KEYS, 'absent');
  // Without its trailing slashes: `rm -rf link/` would empty the directory a symlink points to.
  const path = absolutePath(resource.path, 'absent.path').replace(/\/+$/, '');
  if (path === '') throw new ValidationError('absent.path', 'refusing to remove /');
  return {
    name: `absent ${path}`,
    resource: 'absent',
    ...commonFields(resource, `absent(${path})`),
    check: sh`[ ! -e ${path} ] && [ ! -L ${path} ]`,
    makes: [],
    apply: lines(sh`rm -rf ${path}`),
  };
}
