import type { Connection, Host } from '../compiler/host.ts';

/** A synthetic host to compile for: what a role sees of a host, without an inventory. */
export interface TestHostOptions {
  /** Inventory name. Default `test`. */
  readonly name?: string;
  /** Groups besides `all` (which every host is in). */
  readonly groups?: readonly string[];
  /** The host's variables, as an inventory would give them after precedence. */
  readonly vars?: Readonly<Record<string, unknown>>;
  /** How the host is reached. Default: this machine. */
  readonly connection?: Connection;
}

/** A host for a test: `all` plus `groups`, `vars`, reached locally unless a connection is given. */
export function testHost(options: TestHostOptions = {}): Host {
  return {
    name: options.name ?? 'test',
    groups: ['all', ...(options.groups ?? []).filter((group) => group !== 'all')],
    vars: options.vars ?? {},
    connection: options.connection ?? { transport: 'local' },
  };
}
