import { lines, sh } from '../shell.ts';
import type { Step } from '../step.ts';
import { absolutePath, knownKeys, type AbsolutePath, keysOf } from '../validate.ts';
import { type AttributeProps, attributesCheck, attributesSet, wantedAttributes } from './attributes.ts';
import { COMMON_KEYS, commonFields, type CommonProps } from './common.ts';

/** A directory (parents created as needed) with these attributes. */
export interface DirectoryProps extends CommonProps, AttributeProps {
  /** The directory; missing parents are made too. */
  readonly path: AbsolutePath;
}

export interface DirectoryResource extends DirectoryProps {
  readonly type: 'directory';
}

export function directory(props: DirectoryProps): DirectoryResource {
  return { type: 'directory', ...props };
}

const KEYS = keysOf<DirectoryResource>({ type: true, path: true, mode: true, owner: true, group: true, ...COMMON_KEYS });

export function compileDirectory(resource: DirectoryResource): Step {
  knownKeys(resource, KEYS, 'directory');
  const path = absolutePath(resource.path, 'directory.path');
  const where = `directory(${path})`;
  const wanted = wantedAttributes(resource, where);
  return {
    name: `directory ${path}`,
    resource: 'directory',
    ...commonFields(resource, where),
    check: lines(
      sh`if [ -e ${path} ] && [ ! -d ${path} ]; then _bosun_cannot ${`${path} exists and is not a directory`}; fi`,
      sh`[ -d ${path} ] && [ ! -L ${path} ] || exit 1`,
      attributesCheck(path, wanted),
    ),
    makes: [path],
    apply: lines(
      sh`if [ -e ${path} ] && [ ! -d ${path} ]; then printf 'bosun: %s exists and is not a directory\\n' ${path} >&2; exit 1; fi`,
      // Without a mode, a new directory gets what mkdir gives under the host's umask.
      sh`mkdir -p ${path} || exit 1`,
      attributesSet(path, wanted),
    ),
  };
}
