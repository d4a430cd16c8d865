/**
 * A host as bosun sees it once its inventory is resolved: a name, the groups it
 * belongs to, its merged variables, and how to reach it.
 */
export interface Host {
  /** Inventory name (not necessarily resolvable). */
  readonly name: string;
  /** Every group the host is in, `all` included, parents included. */
  readonly groups: readonly string[];
  /** Variables after precedence is applied (all < parent group < child group < host < -e). */
  readonly vars: Readonly<Record<string, unknown>>;
  /** How to reach the host, derived from its variables. */
  readonly connection: Connection;
}

/** Which transport runs a host's script, and its settings. */
export type Connection = LocalConnection | ChrootConnection | SshConnection;

export interface Become {
  /**
   * Run the script as root (or `user`) through sudo. In a host's connection, absent when
   * the host's variables do not say (`ansible_become`): the play decides then.
   */
  readonly enabled?: boolean;
  /** The user to become; root when absent. */
  readonly user?: string;
}

/** The machine bosun itself runs on. */
export interface LocalConnection {
  readonly transport: 'local';
  readonly become?: Become;
}

/** A root filesystem entered with `chroot DIR sh -s` (image baking, tests). */
export interface ChrootConnection {
  readonly transport: 'chroot';
  /** Absolute path of the root directory. */
  readonly root: string;
}

/** A host reached with the system OpenSSH client. */
export interface SshConnection {
  readonly transport: 'ssh';
  /** Address or name given to ssh (ansible_host); defaults to the host name. */
  readonly address: string;
  readonly port?: number;
  readonly user?: string;
  readonly privateKeyFile?: string;
  /** Extra ssh arguments (ansible_ssh_common_args), already split into words. */
  readonly extraArgs?: readonly string[];
  /** ProxyJump value (`-J`). */
  readonly proxyJump?: string;
  readonly become?: Become;
}
