import type { Become, Host } from '../../compiler/host.ts';
import type { Secret } from '../../compiler/secret.ts';
import { type TransportSettings, transportFor } from '../transport-for.ts';
import type { Transport } from '../transport.ts';

/** A host to patch and how its scripts run: patching needs root, so under sudo unless the host says otherwise. */
export interface PatchTarget {
  readonly host: Host;
  readonly become: Become;
}

/** The hosts of a selection, each run as root (sudo) unless its own `ansible_become` says no. */
export function patchTargets(hosts: readonly Host[]): PatchTarget[] {
  return hosts.map((host) => {
    const own = host.connection.transport === 'chroot' ? undefined : host.connection.become;
    return { host, become: { enabled: own?.enabled ?? true, ...(own?.user !== undefined && { user: own.user }) } };
  });
}

/** Run-wide connection settings of a patch run. */
export interface PatchConnectionSettings {
  readonly acceptNewHostKeys?: boolean;
  readonly sshConfigFile?: string;
  readonly becomePassword?: Secret;
  readonly controlDir?: string;
}

/** The transport of a target (one SSH master per host, in the run's control directory). */
export function patchTransport(target: PatchTarget, settings: PatchConnectionSettings): Transport {
  const transportSettings: TransportSettings = {
    ...(settings.acceptNewHostKeys !== undefined && { acceptNewHostKeys: settings.acceptNewHostKeys }),
    ...(settings.sshConfigFile !== undefined && { sshConfigFile: settings.sshConfigFile }),
    ...(settings.becomePassword !== undefined && { becomePassword: settings.becomePassword }),
    ...(settings.controlDir !== undefined && { controlDir: settings.controlDir }),
  };
  return transportFor(target.host, target.become, transportSettings);
}
