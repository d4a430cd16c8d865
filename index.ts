// bosun's public surface: what playbooks and roles import (docs/authoring.md).
export { definePlaybook, role, handler } from './compiler/playbook.ts';
export type { Playbook, Play, Role, Handler, Serial } from './compiler/playbook.ts';
export { Secret, secret, secretText } from './compiler/secret.ts';
// Quoting for sh, for a role that writes a file a shell reads (an upstart job, a cron line).
export { quote } from './compiler/quote.ts';
export type { Resource } from './compiler/resource.ts';
export type { AbsolutePath, FileMode } from './compiler/validate.ts';
// What a role checks its parameters with: errors name the field (docs/authoring.md).
export { absolutePath, bool, fileMode, keysOf, knownKeys, oneLine, oneOf, stringList, text, wholeNumber } from './compiler/validate.ts';
export type { KeySet } from './compiler/validate.ts';
// The parameters of the resources, for roles that pass them through.
export type { CommonProps, InitSystem } from './compiler/resources/common.ts';
export type { AttributeProps } from './compiler/resources/attributes.ts';
export type { InsertPosition } from './compiler/resources/insert-position.ts';
export type { FileProps } from './compiler/resources/file.ts';
export type { DirectoryProps } from './compiler/resources/directory.ts';
export type { AbsentProps } from './compiler/resources/absent.ts';
export type { SymlinkProps } from './compiler/resources/symlink.ts';
export type { LineProps } from './compiler/resources/line.ts';
export type { BlockProps } from './compiler/resources/block.ts';
export type { PackageProps } from './compiler/resources/package.ts';
export type { ServiceProps } from './compiler/resources/service.ts';
export type { CommandProps, Runnable } from './compiler/resources/command.ts';
export type { CronProps, Schedule } from './compiler/resources/cron.ts';
export type { UserProps } from './compiler/resources/user.ts';
export type { GroupProps } from './compiler/resources/group.ts';
export { file } from './compiler/resources/file.ts';
export { directory } from './compiler/resources/directory.ts';
export { absent } from './compiler/resources/absent.ts';
export { symlink } from './compiler/resources/symlink.ts';
export { line } from './compiler/resources/line.ts';
export { block } from './compiler/resources/block.ts';
export { packages } from './compiler/resources/package.ts';
export { service } from './compiler/resources/service.ts';
export { command } from './compiler/resources/command.ts';
export { cron } from './compiler/resources/cron.ts';
export { user } from './compiler/resources/user.ts';
export { group } from './compiler/resources/group.ts';
export { flushHandlers } from './compiler/resources/flush-handlers.ts';
export { sysctl } from './compiler/resources/sysctl.ts';
export { hostname } from './compiler/resources/hostname.ts';
export { systemdUnit } from './compiler/resources/systemd-unit.ts';
export { aptRepository } from './compiler/resources/apt-repository.ts';
export type { AptRepositoryProps, AptSuites } from './compiler/resources/apt-repository.ts';
export { git } from './compiler/resources/git.ts';
export type { GitProps, GitRef } from './compiler/resources/git.ts';
export type {
  SystemdUnitProps,
  UnitSection,
  ServiceSection,
  TimerSection,
  SocketSection,
  InstallSection,
  ExtraSettings,
  Command,
  TimeSpan,
  UnitName,
} from './compiler/resources/systemd-unit.ts';
export { copy } from './compiler/resources/copy.ts';
export { template } from './compiler/resources/template.ts';
export type { TemplateValue } from './compiler/resources/template.ts';
export { download } from './compiler/resources/download.ts';
export { unarchive } from './compiler/resources/unarchive.ts';
export type { ArchiveFormat } from './compiler/resources/unarchive.ts';
export { attributes } from './compiler/resources/attributes.ts';
export { touch } from './compiler/resources/touch.ts';
export type { LocalPath } from './compiler/local-files.ts';
export type { Host } from './compiler/host.ts';
// What a play's roles function reads its settings with: errors name the variable.
export { hostText } from './compiler/host-vars.ts';
export { BosunError, ValidationError } from './compiler/errors.ts';
export { defineInventory } from './inventory/index.ts';
export type { InventoryDefinition } from './inventory/index.ts';
