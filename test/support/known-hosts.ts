import { writeFile } from 'node:fs/promises';

/** What a known_hosts entry needs to know of a host. */
export interface KnownHost {
  readonly address: string;
  readonly port: number;
  /** `ssh-ed25519 AAAA…` */
  readonly hostKey: string;
}

/** The name OpenSSH writes in known_hosts for address:port (`[a]:p` unless port 22). */
export function knownHostName(address: string, port: number): string {
  return port === 22 ? address : `[${address}]:${port}`;
}

/** One known_hosts line for a host. */
export function knownHostsLine(host: KnownHost): string {
  return `${knownHostName(host.address, host.port)} ${host.hostKey}`;
}

/** Writes a known_hosts file trusting exactly these hosts (an empty file trusts none). */
export async function writeKnownHosts(path: string, hosts: readonly KnownHost[]): Promise<void> {
  await writeFile(path, hosts.map((host) => `${knownHostsLine(host)}\n`).join(''), { mode: 0o600 });
}
