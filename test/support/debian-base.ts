import { execa } from 'execa';
import { access, chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { withDirLock } from './dir-lock.ts';
import { mountOverlay, type OverlayRoot } from './overlay.ts';
import { requireIntegration } from './test-kind.ts';

export type { OverlayRoot } from './overlay.ts';

/**
 * A cached Debian bookworm root filesystem (FLEET.md step 1) that test hosts and
 * chroot tests are made from. Built once per recipe version; never modified after.
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

/** Where bases are cached between runs. */
export const CACHE_DIR = process.env.BOSUN_TEST_CACHE ?? '/var/cache/bosun-test';

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

const building = new Map<string, Promise<DebianBase>>();

/** Builds (or reuses) the cached base and returns its root directory. */
export async function ensureDebianBase(options: DebianBaseOptions = {}): Promise<string> {
  return (await ensureDebianBaseInfo(options)).root;
}

/** Builds (or reuses) the cached base and returns its root, key file and public key. */
export function ensureDebianBaseInfo(options: DebianBaseOptions = {}): Promise<DebianBase> {
  requireIntegration('a Debian root (debootstrap)');
  const extra = [...(options.extraPackages ?? [])].sort();
  const key = [RECIPE_VERSION, ...extra].join('+');
  // One build per process even when many callers ask at once; other processes wait on the lock.
  let pending = building.get(key);
  if (pending === undefined) {
    pending = buildOnce(key, extra);
    building.set(key, pending);
    pending.catch(() => building.delete(key));
  }
  return pending;
}

async function buildOnce(key: string, extra: readonly string[]): Promise<DebianBase> {
  const dir = join(CACHE_DIR, `base-${key}`);
  await mkdir(CACHE_DIR, { recursive: true });
  if (!(await exists(dir))) {
    await withDirLock(`${dir}.lock`, async () => {
      if (!(await exists(dir))) await build(dir, extra);
    });
  }
  return describe(dir);
}

async function describe(dir: string): Promise<DebianBase> {
  const privateKeyFile = join(dir, 'id_ed25519');
  const publicKey = (await readFile(`${privateKeyFile}.pub`, 'utf8')).trim();
  return { root: join(dir, 'root'), privateKeyFile, publicKey };
}

/** Builds in a scratch directory and renames it into place: a half-built base is never seen. */
async function build(dir: string, extra: readonly string[]): Promise<void> {
  const scratch = `${dir}.building-${process.pid}`;
  await rm(scratch, { recursive: true, force: true });
  await mkdir(scratch, { recursive: true });
  const root = join(scratch, 'root');
  try {
    const mirror = await debianMirror();
    await run('debootstrap', ['--variant=minbase', `--include=${[...BASE_PACKAGES, ...extra].join(',')}`, 'bookworm', root, mirror]);
    await configure(scratch, root);
    await rename(scratch, dir);
  } catch (error) {
    await rm(scratch, { recursive: true, force: true });
    throw error;
  }
}

async function configure(dir: string, root: string): Promise<void> {
  // Each host makes its own host keys when it is created.
  await run('sh', ['-c', 'rm -f "$1"/etc/ssh/ssh_host_*', 'sh', root]);
  const keyFile = join(dir, 'id_ed25519');
  await run('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'bosun-test', '-f', keyFile]);
  const publicKey = await readFile(`${keyFile}.pub`, 'utf8');

  await chroot(root, 'useradd', '-m', '-s', '/bin/bash', 'deploy');
  await chroot(root, 'useradd', '-m', '-s', '/bin/bash', 'alice');
  // A locked account ('!') may be refused by sshd; '*' means "no password login" only.
  await chroot(root, 'usermod', '-p', '*', 'deploy');
  await run('chroot', [root, 'chpasswd'], `alice:${ALICE_PASSWORD}\n`);
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

  // A warm apt index, so package steps work in every host without each one
  // downloading the lists again.
  await run('chroot', [root, 'apt-get', 'update', '-q'], undefined, { LANG: 'C' });
  await run('chroot', [root, 'apt-get', 'install', '-y', '-q', '--download-only', ...WARM_PACKAGES], undefined, {
    LANG: 'C',
    DEBIAN_FRONTEND: 'noninteractive',
  });
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

/** The Debian archive this machine's apt already uses (first `URIs:` or `deb` line). */
export async function debianMirror(): Promise<string> {
  const deb822 = await readFile('/etc/apt/sources.list.d/debian.sources', 'utf8').catch(() => '');
  const uri = /^URIs:\s*(\S+)/m.exec(deb822)?.[1];
  if (uri !== undefined) return uri;
  const legacy = await readFile('/etc/apt/sources.list', 'utf8').catch(() => '');
  const line = /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)/m.exec(legacy)?.[1];
  if (line !== undefined) return line;
  return 'http://deb.debian.org/debian';
}

function chroot(root: string, ...command: string[]): Promise<void> {
  return run('chroot', [root, ...command]);
}

async function run(file: string, args: readonly string[], input?: string, env?: Record<string, string>): Promise<void> {
  const result = await execa(file, args, { input, env, all: true, reject: false });
  if (result.exitCode !== 0) {
    const tail = (result.all ?? '').split('\n').slice(-20).join('\n');
    throw new Error(`${file} ${args.join(' ')} exited ${result.exitCode}:\n${tail}`);
  }
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}
