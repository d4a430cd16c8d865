import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type DebianBaseRecipe, debianBase, run } from '../../testing/debian-base.ts';
import { mountOverlay, type OverlayRoot } from '../../testing/overlay.ts';
import { requireIntegration } from './test-kind.ts';

export type { OverlayRoot } from '../../testing/overlay.ts';

/**
 * The cached Debian bookworm root filesystem (FLEET.md step 1) that bosun's test hosts
 * and chroot tests are made from: the public test base (testing/debian-base.ts) with
 * OpenSSH, sudo, test users and keys, and a quiet systemd.
 */
export interface DebianBase {
  /** The root filesystem: use it as an overlay's lower dir, never write to it. */
  readonly root: string;
  /** Private ed25519 key whose public half is authorized for root, deploy and alice. */
  readonly privateKeyFile: string;
  /** The public key line (`ssh-ed25519 AAAA… bosun-test`). */
  readonly publicKey: string;
}

/** Password of the test user `alice`, whose sudo asks for it. Test data, not a secret. */
export const ALICE_PASSWORD = 'alice-pw';

/**
 * Bump when the recipe below changes, so every cache rebuilds. The extra packages
 * of a flavour are part of the key too.
 */
const RECIPE_VERSION = 'bookworm-minbase-8';

const BASE_PACKAGES = ['systemd', 'systemd-sysv', 'dbus', 'openssh-server', 'sudo', 'ca-certificates'];

/**
 * Packages downloaded (not installed) into the base's apt cache: what the baseline
 * playbook and the Ansible peer of the bench install, so hosts install them
 * without each downloading them again.
 */
const WARM_PACKAGES = ['unattended-upgrades', 'logrotate', 'python3', 'python3-apt'];

/** Options of a base: extra packages make a separate cached flavour (e.g. python3 for Ansible). */
export interface DebianBaseOptions {
  /** Debian packages installed on top of the minimal set; each set is its own cache entry. */
  readonly extraPackages?: readonly string[];
}

/** Timers masked on test hosts (some arrive with the baseline's packages). */
const QUIET_TIMERS = [
  'apt-daily.timer',
  'apt-daily-upgrade.timer',
  'dpkg-db-backup.timer',
  'logrotate.timer',
  'e2scrub_all.timer',
  'fstrim.timer',
  'systemd-tmpfiles-clean.timer',
];

/** Builds (or reuses) the cached base and returns its root directory. */
export async function ensureDebianBase(options: DebianBaseOptions = {}): Promise<string> {
  return (await ensureDebianBaseInfo(options)).root;
}

/** The recipe of the test base with these options (testing/debian-base.ts builds and caches it). */
export function testBaseRecipe(options: DebianBaseOptions = {}): DebianBaseRecipe {
  requireIntegration('a Debian root (debootstrap)');
  const extra = [...(options.extraPackages ?? [])].sort();
  return { name: [RECIPE_VERSION, ...extra].join('+'), packages: [...BASE_PACKAGES, ...extra], download: WARM_PACKAGES, configure };
}

/** Builds (or reuses) the cached base and returns its root, key file and public key. */
export async function ensureDebianBaseInfo(options: DebianBaseOptions = {}): Promise<DebianBase> {
  const base = await debianBase(testBaseRecipe(options));
  const privateKeyFile = join(base.dir, 'id_ed25519');
  const publicKey = (await readFile(`${privateKeyFile}.pub`, 'utf8')).trim();
  return { root: base.root, privateKeyFile, publicKey };
}

async function configure(root: string, dir: string): Promise<void> {
  // Each host makes its own host keys when it is created.
  await run('sh', ['-c', 'rm -f "$1"/etc/ssh/ssh_host_*', 'sh', root]);
  const keyFile = join(dir, 'id_ed25519');
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'bosun-test', '-f', keyFile]);
  const publicKey = await readFile(`${keyFile}.pub`, 'utf8');

  await chroot(root, 'useradd', '-m', '-s', '/bin/bash', 'deploy');
  await chroot(root, 'useradd', '-m', '-s', '/bin/bash', 'alice');
  // A locked account ('!') may be refused by sshd; '*' means "no password login" only.
  await chroot(root, 'usermod', '-p', '*', 'deploy');
  await run('chroot', [root, 'chpasswd'], { input: `alice:${ALICE_PASSWORD}\n` });
  await writeFile(join(root, 'etc/sudoers.d/bosun-test'), 'deploy ALL=(ALL:ALL) NOPASSWD: ALL\nalice ALL=(ALL:ALL) ALL\n', { mode: 0o440 });
  await run('chroot', [root, 'visudo', '-cq']);

  for (const [home, user] of [
    ['root', 'root'],
    ['home/deploy', 'deploy'],
    ['home/alice', 'alice'],
  ] as const) {
    const sshDir = join(root, home, '.ssh');
    await mkdir(sshDir, { recursive: true });
    await chmod(sshDir, 0o700);
    await writeFile(join(sshDir, 'authorized_keys'), publicKey, { mode: 0o600 });
    await chroot(root, 'chown', '-R', `${user}:${user}`, `/${home}/.ssh`);
  }

  // sshd logs "Starting session: … id N" per session at VERBOSE: fleet tests count
  // sessions on the server from these lines (the journal stays volatile, in /run).
  await writeFile(join(root, 'etc/ssh/sshd_config.d/bosun-test.conf'), 'LogLevel VERBOSE\nUseDNS no\n');
  // Debian's systemd keeps a persistent journal in /var/log/journal; test hosts keep
  // it in /run so that logging (every ssh session logs) never writes to their disk.
  await rm(join(root, 'var/log/journal'), { recursive: true, force: true });
  await mkdir(join(root, 'etc/systemd/journald.conf.d'), { recursive: true });
  await writeFile(join(root, 'etc/systemd/journald.conf.d/bosun-test.conf'), '[Journal]\nStorage=volatile\n');
  // Nothing may write to a host's disk on its own while a test compares listings
  // of / before and after a check: no periodic jobs.
  for (const timer of QUIET_TIMERS) {
    await run('ln', ['-sf', '/dev/null', join(root, 'etc/systemd/system', timer)]);
  }
}

/**
 * A disposable writable copy of the base (an overlay mount): for chroot tests.
 * Call `dispose()` when done; an interrupted run still unmounts it on exit.
 */
export async function makeOverlayRoot(options: DebianBaseOptions = {}): Promise<OverlayRoot> {
  return mountOverlay(await ensureDebianBase(options));
}

/** Runs `fn` with a fresh overlay root and disposes of it afterwards, even on failure. */
export async function withOverlayRoot<T>(fn: (root: string) => Promise<T>, options: DebianBaseOptions = {}): Promise<T> {
  const overlay = await makeOverlayRoot(options);
  try {
    return await fn(overlay.root);
  } finally {
    await overlay.dispose();
  }
}

function chroot(root: string, ...command: string[]): Promise<void> {
  return run('chroot', [root, ...command]);
}
