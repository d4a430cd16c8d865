/**
 * Connection variables with their types. The Ansible names are accepted for
 * compatibility; the `bosun_*` names win when both are set.
 */
export interface ConnectionVars {
  /** `local`, `chroot`, or `ssh` (the default). */
  readonly ansible_connection?: 'ssh' | 'local' | 'chroot';
  /** Address given to ssh; the host name when unset. */
  readonly ansible_host?: string;
  readonly ansible_port?: number;
  readonly ansible_user?: string;
  readonly ansible_ssh_private_key_file?: string;
  /** Extra ssh arguments, split like a shell splits words (not evaluated). */
  readonly ansible_ssh_common_args?: string;
  readonly ansible_become?: boolean;
  readonly ansible_become_user?: string;
  readonly bosun_transport?: 'ssh' | 'local' | 'chroot';
  readonly bosun_host?: string;
  readonly bosun_port?: number;
  readonly bosun_user?: string;
  readonly bosun_private_key_file?: string;
  /** Extra ssh arguments, as words or as one shell-split string. */
  readonly bosun_ssh_args?: string | readonly string[];
  /** ssh `-J` jump host. */
  readonly bosun_proxy_jump?: string;
  /** Root directory for the chroot transport. */
  readonly bosun_chroot?: string;
  readonly bosun_become?: boolean;
  readonly bosun_become_user?: string;
}

/** Variables of a host or a group: typed connection variables plus anything else. */
export interface VarsDefinition extends ConnectionVars {
  readonly [name: string]: unknown;
}

/** A host of a TypeScript inventory. */
export interface HostDefinition {
  /** Groups the host belongs to (they must be declared in `groups`). */
  readonly groups?: readonly string[];
  readonly vars?: VarsDefinition;
}

/** A group of a TypeScript inventory. */
export interface GroupDefinition {
  /** Member hosts; ranges such as `web[01:10]` expand. Hosts not in `hosts` are created bare. */
  readonly hosts?: readonly string[];
  /** Child groups (declared in `groups`); their hosts are members of this group too. */
  readonly children?: readonly string[];
  readonly vars?: VarsDefinition;
}

/** A TypeScript inventory: the default export of a `.ts` inventory module. */
export interface InventoryDefinition {
  /** Hosts by name, with their groups and own variables. */
  readonly hosts?: Readonly<Record<string, HostDefinition>>;
  /** Groups by name. `all` and `ungrouped` exist already and may be given vars. */
  readonly groups?: Readonly<Record<string, GroupDefinition>>;
  /** Variables of the `all` group. */
  readonly vars?: VarsDefinition;
}

/**
 * Declares a TypeScript inventory; use it as the module's default export so
 * the shape is type-checked. The default export may also be a function
 * (sync or async) returning the definition, for inventories computed at load.
 *
 * @example
 * export default defineInventory({
 *   hosts: { 'web1.example.com': { groups: ['web'], vars: { ansible_user: 'deploy' } } },
 *   groups: { web: { vars: { http_port: 80 } }, prod: { children: ['web'] } },
 *   vars: { ntp_server: 'ntp.example.com' },
 * });
 */
export function defineInventory<const T extends InventoryDefinition>(definition: T): T {
  return definition;
}
