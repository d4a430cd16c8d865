import type { Become, Connection } from '../compiler/host.ts';
import { invalid, type Origin } from './origin.ts';
import { splitShellWords } from './shell-words.ts';

/** Finds where a variable of the host was set, for error messages. */
export type OriginLookup = (key: string) => Origin | undefined;

// For each setting, the variables that give it, strongest first: bosun's own
// names, then Ansible's, then Ansible's older aliases.
const NAMES = {
  transport: ['bosun_transport', 'ansible_connection'],
  address: ['bosun_host', 'ansible_host', 'ansible_ssh_host'],
  port: ['bosun_port', 'ansible_port', 'ansible_ssh_port'],
  user: ['bosun_user', 'ansible_user', 'ansible_ssh_user'],
  key: ['bosun_private_key_file', 'ansible_ssh_private_key_file', 'ansible_private_key_file'],
  args: ['bosun_ssh_args', 'ansible_ssh_common_args'],
  extraArgs: ['ansible_ssh_extra_args'],
  proxyJump: ['bosun_proxy_jump'],
  chroot: ['bosun_chroot'],
  become: ['bosun_become', 'ansible_become'],
  becomeUser: ['bosun_become_user', 'ansible_become_user'],
} as const;

const SSH_LIKE = new Set(['ssh', 'smart', 'paramiko', 'paramiko_ssh', 'openssh']);
const TRUE = new Set(['y', 'yes', 'on', '1', 'true', 't']);
const FALSE = new Set(['n', 'no', 'off', '0', 'false', 'f']);

/**
 * How to reach a host, from its merged variables (Ansible's connection
 * variables, or bosun_* ones which win when both are set). Unsupported
 * transports, bad ports, non-boolean become flags and unexpanded Jinja
 * (`{{ … }}`, which bosun does not evaluate) are errors naming the variable,
 * the host and where the value was set.
 */
export function connectionFor(host: string, vars: Readonly<Record<string, unknown>>, originOf: OriginLookup): Connection {
  const pick = (names: readonly string[]): { key: string; value: unknown } | undefined => {
    for (const key of names) if (vars[key] !== undefined && vars[key] !== null) return { key, value: vars[key] };
    return undefined;
  };
  const fail = (key: string, problem: string): never => {
    throw invalid(key, `${problem} (host ${host})`, originOf(key));
  };
  const text = (names: readonly string[]): { key: string; value: string } | undefined => {
    const found = pick(names);
    if (found === undefined) return undefined;
    if (typeof found.value !== 'string' && typeof found.value !== 'number') {
      return fail(found.key, `must be a string, got ${JSON.stringify(found.value)}`);
    }
    const value = String(found.value);
    if (value.includes('{{') || value.includes('{%')) fail(found.key, `'${value}' is a Jinja template, which bosun does not evaluate`);
    return { key: found.key, value };
  };

  const become = becomeFor(pick(NAMES.become), text(NAMES.becomeUser), fail);
  const transport = text(NAMES.transport);
  if (transport?.value === 'local') return become === undefined ? { transport: 'local' } : { transport: 'local', become };
  if (transport?.value === 'chroot') {
    const root = text(NAMES.chroot) ?? text(NAMES.address) ?? { key: 'ansible_host', value: host };
    if (!root.value.startsWith('/')) fail(root.key, `chroot root '${root.value}' must be an absolute path`);
    return { transport: 'chroot', root: root.value };
  }
  if (transport !== undefined && !SSH_LIKE.has(transport.value)) {
    fail(transport.key, `transport '${transport.value}' is not supported (use ssh, local or chroot)`);
  }

  const address = text(NAMES.address)?.value ?? host;
  const connection: { -readonly [K in keyof SshConnectionFields]: SshConnectionFields[K] } = { transport: 'ssh', address };
  const port = pick(NAMES.port);
  if (port !== undefined) {
    const n = typeof port.value === 'string' && /^\d+$/.test(port.value.trim()) ? Number(port.value) : port.value;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 65535) {
      fail(port.key, `${JSON.stringify(port.value)} is not a TCP port (1-65535)`);
    }
    connection.port = n as number;
  }
  const user = text(NAMES.user);
  if (user !== undefined) connection.user = user.value;
  const key = text(NAMES.key);
  if (key !== undefined) connection.privateKeyFile = key.value;
  const args = [...sshArgs(pick(NAMES.args), fail), ...sshArgs(pick(NAMES.extraArgs), fail)];
  if (args.length > 0) connection.extraArgs = args;
  const jump = text(NAMES.proxyJump);
  if (jump !== undefined) connection.proxyJump = jump.value;
  if (become !== undefined) connection.become = become;
  return connection;
}

type SshConnectionFields = Extract<Connection, { transport: 'ssh' }>;

function sshArgs(found: { key: string; value: unknown } | undefined, fail: (key: string, problem: string) => never): string[] {
  if (found === undefined) return [];
  if (Array.isArray(found.value) && found.value.every((v) => typeof v === 'string')) return found.value as string[];
  if (typeof found.value !== 'string') return fail(found.key, `must be a string of ssh arguments, got ${JSON.stringify(found.value)}`);
  if (found.value.includes('{{')) fail(found.key, `'${found.value}' is a Jinja template, which bosun does not evaluate`);
  try {
    return splitShellWords(found.value);
  } catch (error) {
    return fail(found.key, `cannot split '${found.value}' into words: ${(error as Error).message}`);
  }
}

function becomeFor(
  flag: { key: string; value: unknown } | undefined,
  user: { key: string; value: string } | undefined,
  fail: (key: string, problem: string) => never,
): Become | undefined {
  if (flag === undefined && user === undefined) return undefined;
  // Only what the variables say: a become user alone does not turn become on (as in Ansible).
  const enabled =
    flag === undefined ? undefined : (toBoolean(flag.value) ?? fail(flag.key, `${JSON.stringify(flag.value)} is not a boolean`));
  return { ...(enabled !== undefined && { enabled }), ...(user !== undefined && { user: user.value }) };
}

/** Ansible's boolean(): yes/no, on/off, true/false, 1/0, y/n, t/f, any case. */
export function toBoolean(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (value === 1 || value === 0) return value === 1;
  if (typeof value !== 'string') return undefined;
  const lower = value.trim().toLowerCase();
  if (TRUE.has(lower)) return true;
  if (FALSE.has(lower)) return false;
  return undefined;
}
