import { ValidationError } from './errors.ts';
import { compileAbsent, type AbsentResource } from './resources/absent.ts';
import { compileAptRepository, type AptRepositoryResource } from './resources/apt-repository.ts';
import { compileBlock, type BlockResource } from './resources/block.ts';
import { compileCommand, type CommandResource } from './resources/command.ts';
import { compileCron, type CronResource } from './resources/cron.ts';
import { compileDirectory, type DirectoryResource } from './resources/directory.ts';
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
  | GitResource;

const COMPILERS: { readonly [K in Resource['type']]: (resource: Extract<Resource, { type: K }>) => Step } = {
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
};

/** Compiles one resource to its step; bad input throws a ValidationError naming the field. */
export function compileResource(resource: Resource): Step {
  const type = (resource as { type?: unknown } | null)?.type;
  const compile = typeof type === 'string' ? (COMPILERS as Record<string, (r: Resource) => Step>)[type] : undefined;
  if (compile === undefined)
    throw new ValidationError(
      'resource.type',
      `unknown resource type ${JSON.stringify(type)} (known: ${Object.keys(COMPILERS).join(', ')})`,
    );
  return compile(resource);
}
