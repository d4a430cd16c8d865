import type { Secret } from '../compiler/secret.ts';
import type { Become, Host } from '../compiler/host.ts';
import { ChrootTransport } from './chroot-transport.ts';
import { LocalTransport } from './local-transport.ts';
import { SshTransport } from './ssh-transport.ts';
import type { Transport } from './transport.ts';

/** Run-wide settings that shape transports. */
export interface TransportSettings {
  readonly acceptNewHostKeys?: boolean;
  readonly sshConfigFile?: string;
  readonly becomePassword?: Secret;
  readonly timeoutMs?: number;
  readonly controlDir?: string;
  /** Multiplex SSH sessions (SshTransportOptions.multiplex); default true. */
  readonly multiplex?: boolean;
}

/** The transport for a host, from its connection, whether it runs under sudo, and the run's settings. */
export function transportFor(host: Host, become: Become, settings: TransportSettings): Transport {
  const connection = host.connection;
  switch (connection.transport) {
    case 'local': {
      // Already root: sudo would add nothing but a dependency on sudo.
      const needsSudo = become.enabled === true && (process.getuid?.() !== 0 || become.user !== undefined);
      if (!needsSudo) return new LocalTransport();
      return new LocalTransport({ become, ...(settings.becomePassword !== undefined && { becomePassword: settings.becomePassword }) });
    }
    case 'chroot':
      return new ChrootTransport(connection.root);
    case 'ssh': {
      return new SshTransport(
        { ...connection, become },
        {
          ...(settings.acceptNewHostKeys !== undefined && { acceptNewHostKeys: settings.acceptNewHostKeys }),
          ...(settings.sshConfigFile !== undefined && { sshConfigFile: settings.sshConfigFile }),
          ...(settings.becomePassword !== undefined && { becomePassword: settings.becomePassword }),
          ...(settings.timeoutMs !== undefined && { timeoutMs: settings.timeoutMs }),
          ...(settings.controlDir !== undefined && { controlDir: settings.controlDir }),
          ...(settings.multiplex !== undefined && { multiplex: settings.multiplex }),
        },
      );
    }
  }
}
