import { ValidationError } from './errors.ts';
import { type LocalFiles, NO_LOCAL_FILES } from './local-files.ts';
import { compileAbsent, type AbsentResource } from './resources/absent.ts';
import { compileAptRepository, type AptRepositoryResource } from './resources/apt-repository.ts';
import { type AttributesResource, compileAttributes } from './resources/attributes.ts';
import { compileBlock, type BlockResource } from './resources/block.ts';
import { compileCommand, type CommandResource } from './resources/command.ts';
import { compileCopy, type CopyResource } from './resources/copy.ts';
import { compileCron, type CronResource } from './resources/cron.ts';
import { compileDirectory, type DirectoryResource } from './resources/directory.ts';
import { compileDownload, type DownloadResource } from './resources/download.ts';
import { compileFile, type FileResource } from './resources/file.ts';
import { compileFlushHandlers, type FlushHandlersResource } from './resources/flush-handlers.ts';
import { compileGit, type GitResource } from './resources/git.ts';
import { compileGroup, type GroupResource } from './resources/group.ts';
import { compileHostname, type HostnameResource } from './resources/hostname.ts';
import { compileLine, type LineResource } from './resources/line.ts';
import { compilePackage, type PackageResource } from './resources/package.ts';
import { compileService, type ServiceResource } from './resources/service.ts';
import { compileSymlink, type SymlinkResource } from './resources/symlink.ts';
import { compileSysctl, type SysctlResource } from './resources/sysctl.ts';
import { compileSystemdUnit, type SystemdUnitResource } from './resources/systemd-unit.ts';
import { compileTemplate, type TemplateResource } from './resources/template.ts';
import { compileTouch, type TouchResource } from './resources/touch.ts';
import { compileUnarchive, type UnarchiveResource } from './resources/unarchive.ts';
import { compileUser, type UserResource } from './resources/user.ts';
import type { Step } from './step.ts';

/** Any desired state a role can declare. Plain data: roles describe, the compiler compiles. */
export type Resource =
  | FileResource
  | DirectoryResource
  | AbsentResource
  | SymlinkResource
  | LineResource
  | BlockResource
  | PackageResource
  | ServiceResource
  | CommandResource
  | CronResource
  | UserResource
  | GroupResource
  | FlushHandlersResource
  | SysctlResource
  | HostnameResource
  | SystemdUnitResource
  | AptRepositoryResource
  | GitResource
  | CopyResource
  | TemplateResource
  | DownloadResource
  | UnarchiveResource
  | AttributesResource
  | TouchResource;

/**
 * How each type compiles: to one step, or to several (a copied tree: one per entry). Resources
 * that bring local files read them through `files`, never from the disk themselves.
 */
const COMPILERS: {
  readonly [K in Resource['type']]: (resource: Extract<Resource, { type: K }>, files: LocalFiles) => Step | readonly Step[];
} = {
  file: compileFile,
  directory: compileDirectory,
  absent: compileAbsent,
  symlink: compileSymlink,
  line: compileLine,
  block: compileBlock,
  package: compilePackage,
  service: compileService,
  command: compileCommand,
  cron: compileCron,
  user: compileUser,
  group: compileGroup,
  flushHandlers: compileFlushHandlers,
  sysctl: compileSysctl,
  hostname: compileHostname,
  systemdUnit: compileSystemdUnit,
  aptRepository: compileAptRepository,
  git: compileGit,
  copy: compileCopy,
  template: compileTemplate,
  download: compileDownload,
  unarchive: compileUnarchive,
  attributes: compileAttributes,
  touch: compileTouch,
};

/** Compiles one resource to its steps; bad input throws a ValidationError naming the field. */
export function compileResource(resource: Resource, files: LocalFiles = NO_LOCAL_FILES): readonly Step[] {
  const type = (resource as { type?: unknown } | null)?.type;
  const compile =
    typeof type === 'string' ? (COMPILERS as Record<string, (r: Resource, files: LocalFiles) => Step | readonly Step[]>)[type] : undefined;
  if (compile === undefined)
    throw new ValidationError(
      'resource.type',
      `unknown resource type ${JSON.stringify(type)} (known: ${Object.keys(COMPILERS).join(', ')})`,
    );
  const steps = compile(resource, files);
  return Array.isArray(steps) ? steps : [steps as Step];
}
