import type { SshConnection } from '../compiler/host.ts';
import type { SshTransportOptions } from './ssh-options.ts';

/**
 * The ssh arguments that reach one host, up to and including the destination;
 * the remote command follows. Pure, so the exact command line can be tested.
 *
 * OpenSSH keeps the FIRST value it obtains for an option, so the inventory's own
 * extra arguments come first and win over bosun's defaults, and both win over
 * ssh_config files.
 */
export function sshArgs(connection: SshConnection, options: SshTransportOptions, controlDir: string): string[] {
  const args: string[] = [];
  if (options.sshConfigFile !== undefined) args.push('-F', options.sshConfigFile);
  args.push(...(connection.extraArgs ?? []));
  const option = (name: string, value: string | number) => args.push('-o', `${name}=${value}`);
  // Never ask anything on a terminal: a prompt would hang a fork forever.
  option('BatchMode', 'yes');
  // Host key checking stays on; accept-new still refuses a changed key.
  option('StrictHostKeyChecking', options.acceptNewHostKeys === true ? 'accept-new' : 'yes');
  if (options.knownHostsFile !== undefined) option('UserKnownHostsFile', options.knownHostsFile);
  if (options.multiplex === false) {
    // Not even a master the user's ssh_config asks for: OpenSSH keeps the first value, this one.
    option('ControlMaster', 'no');
    option('ControlPath', 'none');
  } else {
    option('ControlMaster', 'auto');
    option('ControlPersist', `${options.controlPersistSeconds ?? 60}s`);
    // %C is a hash of local host, remote host, port and user: short enough for a socket path.
    option('ControlPath', `${controlDir}/%C`);
  }
  option('ConnectTimeout', options.connectTimeoutSeconds ?? 10);
  // A host that vanishes mid-run is noticed in about 45 s rather than never.
  option('ServerAliveInterval', 15);
  option('ServerAliveCountMax', 3);
  if (connection.privateKeyFile !== undefined) {
    args.push('-i', connection.privateKeyFile);
    // Only the inventory's key: agent keys tried first could exhaust MaxAuthTries.
    option('IdentitiesOnly', 'yes');
  }
  if (connection.port !== undefined) args.push('-p', String(connection.port));
  if (connection.user !== undefined) args.push('-l', connection.user);
  if (connection.proxyJump !== undefined) args.push('-J', connection.proxyJump);
  // No terminal: stdin carries the script, stdout the framed results.
  args.push('-T', '--', connection.address);
  return args;
}
