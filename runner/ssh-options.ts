import type { Secret } from '../compiler/secret.ts';

/** How bosun talks to OpenSSH, beyond what a host's inventory says. */
export interface SshTransportOptions {
  /** An ssh_config file given with `-F`; without it OpenSSH reads ~/.ssh/config as usual. */
  readonly sshConfigFile?: string;
  /**
   * Trust a host seen for the first time (StrictHostKeyChecking=accept-new). A host
   * whose key CHANGED is refused either way.
   */
  readonly acceptNewHostKeys?: boolean;
  /** known_hosts file to check and record keys in (UserKnownHostsFile); OpenSSH's default otherwise. */
  readonly knownHostsFile?: string;
  /**
   * Password for sudo (`--ask-become-pass`). Sent as the first line of the session's
   * stdin, never on argv, masked in every outcome.
   */
  readonly becomePassword?: Secret;
  /** Kill the session after this many ms (the per-host timeout). */
  readonly timeoutMs?: number;
  /**
   * Directory for ControlMaster sockets; a private temporary directory is made when
   * absent. Share one between the transports of a run.
   */
  readonly controlDir?: string;
  /**
   * Multiplex sessions over one master connection (ControlMaster), so that a check followed by an
   * apply pays for one handshake. Default true. A run that opens one session per host (the CLI)
   * turns it off: a master would only add processes (the master, its persisting copy, `ssh -O exit`).
   */
  readonly multiplex?: boolean;
  /** How long an idle master connection stays up (ControlPersist), in seconds; default 60. */
  readonly controlPersistSeconds?: number;
  /** ConnectTimeout in seconds; default 10. */
  readonly connectTimeoutSeconds?: number;
  /** The ssh program; default `ssh` from PATH. */
  readonly sshProgram?: string;
}
