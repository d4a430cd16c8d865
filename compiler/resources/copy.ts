import { ValidationError } from '../errors.ts';
import { type LocalFileNode, type LocalFiles, type LocalPath, localFile, localPath, localTree } from '../local-files.ts';
import { filePayload } from '../payload.ts';
import type { Step } from '../step.ts';
import { type AbsolutePath, absolutePath, bool, type FileMode, fileMode, keysOf, knownKeys } from '../validate.ts';
import { type Attributes, wantedAttributes } from './attributes.ts';
import { COMMON_KEYS, commonFields, type CommonProps } from './common.ts';
import { compileDirectory } from './directory.ts';
import { contentStep, validateCommand } from './file.ts';

/**
 * Files from the role's own folder, copied to the host byte for byte (any byte value, any
 * file name): one file (`src`) or a directory tree (`tree`). The content travels inside the
 * host's one session, like every file bosun writes; each file is written atomically and has
 * its own step, so check mode shows a diff per file.
 */
export type CopyProps = CopyFileProps | CopyTreeProps;

interface CopyCommon extends CommonProps {
  /** Owner (name or uid) of every file and directory copied. Unset: an existing one keeps its owner. */
  readonly owner?: string;
  /** Group (name or gid) of every file and directory copied. */
  readonly group?: string;
  /**
   * Mode of every file copied, e.g. `"0640"`. Unset: an existing file keeps its mode; a new one
   * gets 0755 when the local file is executable by its owner, 0644 otherwise.
   */
  readonly mode?: FileMode;
  /** Never send the current content back nor show a diff of it (the script still carries the content). */
  readonly sensitive?: boolean;
}

/** One local file to one file on the host. */
export interface CopyFileProps extends CopyCommon {
  /** The local file: `new URL('./files/motd', import.meta.url)` or an absolute path. */
  readonly src: LocalPath;
  /** The file on the host (the file itself, not the directory it goes into). */
  readonly path: AbsolutePath;
  /**
   * A command that must accept the new content before it replaces the old file, as words;
   * `%s` stands for the temporary file: `['visudo', '-cf', '%s']`.
   */
  readonly validate?: readonly string[];
  /** Only for a directory tree. */
  readonly tree?: never;
  /** Only for a directory tree. */
  readonly directoryMode?: never;
}

/**
 * A local directory and everything under it, mirrored into a directory on the host. Files on the
 * host that the local tree does not have are left alone. Symbolic links in the local tree are
 * followed (their targets are copied).
 */
export interface CopyTreeProps extends CopyCommon {
  /** The local directory: `new URL('./files/conf.d/', import.meta.url)` or an absolute path. */
  readonly tree: LocalPath;
  /** The directory on the host that holds the tree's contents (created with its parents when missing). */
  readonly path: AbsolutePath;
  /** Mode of every directory of the tree, `path` included. Unset: an existing one keeps its mode; a new one gets mkdir's. */
  readonly directoryMode?: FileMode;
  /** Only for a single file (`src`). */
  readonly src?: never;
  /** Only for a single file (`src`). */
  readonly validate?: never;
}

export type CopyResource = CopyProps & { readonly type: 'copy' };

/** Declares local files copied to the host: `copy({ src: new URL('./files/motd', import.meta.url), path: '/etc/motd' })`. */
export function copy(props: CopyProps): CopyResource {
  return { type: 'copy', ...props };
}

const KEYS = keysOf<CopyResource>({
  type: true,
  src: true,
  tree: true,
  path: true,
  owner: true,
  group: true,
  mode: true,
  directoryMode: true,
  validate: true,
  sensitive: true,
  ...COMMON_KEYS,
});

export function compileCopy(resource: CopyResource, files: LocalFiles): Step | Step[] {
  knownKeys(resource, KEYS, 'copy');
  const path = absolutePath(resource.path, 'copy.path');
  const where = `copy(${path})`;
  const given = resource as { src?: unknown; tree?: unknown };
  if ((given.src === undefined) === (given.tree === undefined)) {
    throw new ValidationError(where, 'give src (one local file) or tree (a local directory), exactly one of them');
  }
  const common = commonFields(resource, where);
  const sensitive = resource.sensitive !== undefined && bool(resource.sensitive, `${where}.sensitive`);
  const owners = wantedAttributes(
    { ...(resource.owner !== undefined && { owner: resource.owner }), ...(resource.group !== undefined && { group: resource.group }) },
    where,
  );
  const mode = resource.mode === undefined ? undefined : fileMode(resource.mode, `${where}.mode`);
  const fileAttributes: Attributes = { ...owners, ...(mode !== undefined && { mode }) };
  const copied = (target: AbsolutePath, local: LocalFileNode, source: string, validate?: readonly string[]): Step =>
    contentStep({
      resource: 'copy',
      path: target,
      data: filePayload(local, source),
      sensitive,
      wanted: fileAttributes,
      newMode: local.executable ? '755' : '644',
      ...(validate !== undefined && { validate: validateCommand(validate, `${where}.validate`) }),
      common,
    });

  if (given.src !== undefined) {
    if (path.endsWith('/')) throw new ValidationError(`${where}.path`, 'names the file itself: drop the trailing slash');
    if (resource.directoryMode !== undefined) throw new ValidationError(`${where}.directoryMode`, 'is only for a tree');
    const source = localPath(given.src, `${where}.src`);
    return copied(path, localFile(files, source, `${where}.src`), source, resource.validate);
  }
  if (resource.validate !== undefined) throw new ValidationError(`${where}.validate`, 'is only for a single file (src)');
  const top = path.replace(/\/+$/, '') as AbsolutePath | '';
  if (resource.directoryMode !== undefined) fileMode(resource.directoryMode, `${where}.directoryMode`);
  const directory = (target: AbsolutePath): Step => ({
    ...compileDirectory({
      type: 'directory',
      path: target,
      ...(resource.directoryMode !== undefined && { mode: resource.directoryMode }),
      ...(resource.owner !== undefined && { owner: resource.owner }),
      ...(resource.group !== undefined && { group: resource.group }),
    }),
    name: target === '/' ? 'copy /' : `copy ${target}/`,
    resource: 'copy',
    notify: common.notify,
    tags: common.tags,
  });
  const steps = [directory((top || '/') as AbsolutePath)];
  for (const entry of localTree(files, localPath(given.tree, `${where}.tree`), `${where}.tree`)) {
    const target = absolutePath(`${top}/${entry.path}`, `${where}.tree`);
    steps.push(entry.node.kind === 'directory' ? directory(target) : copied(target, entry.node, entry.local));
  }
  return steps;
}
