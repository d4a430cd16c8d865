import { execa } from 'execa';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { onProcessExit } from '../../testing/cleanup.ts';
import { requireIntegration } from './test-kind.ts';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** A throwaway user of this machine, to run bosun as an operator would rather than as root. */
export interface LocalUser {
  readonly name: string;
  readonly home: string;
  /**
   * Where this user reads bosun's repository: the repository itself, or a read-only
   * bind mount of it under /tmp when a folder above it is closed to other users
   * (a clone under a root-only directory, as on some CI machines).
   */
  readonly repo: string;
  /** Runs `argv` as this user (runuser), with HOME and the caches in the user's home. */
  run(
    argv: readonly string[],
    options?: { input?: string; cwd?: string },
  ): Promise<{ exitCode: number | undefined; stdout: string; stderr: string }>;
  /** Removes the user, its home and its sudo rule. Safe to call twice. */
  remove(): Promise<void>;
}

/**
 * Makes a user with a home (replacing a leftover of the same name), with a
 * password when given and a sudo rule when given (checked by `visudo -c`).
 */
export async function createLocalUser(name: string, options: { password?: string; sudoRule?: string } = {}): Promise<LocalUser> {
  requireIntegration('a local user');
  const sudoers = `/etc/sudoers.d/${name}`;
  let releaseRepo = async (): Promise<void> => {};
  const remove = async (): Promise<void> => {
    await releaseRepo();
    await rm(sudoers, { force: true });
    await execa('userdel', ['-r', name], { reject: false });
  };
  await remove();
  const view = await repoViewForOthers();
  releaseRepo = view.release;
  await execa('useradd', ['--create-home', '--shell', '/bin/sh', name]);
  if (options.password !== undefined) await execa('chpasswd', { input: `${name}:${options.password}\n` });
  if (options.sudoRule !== undefined) {
    await writeFile(sudoers, `${options.sudoRule}\n`, { mode: 0o440 });
    await execa('visudo', ['-c', '-f', sudoers]);
  }
  const home = (await execa('getent', ['passwd', name])).stdout.split(':')[5]!;
  return {
    name,
    home,
    repo: view.path,
    remove,
    run: async (argv, runOptions = {}) => {
      const result = await execa('runuser', ['-u', name, '--', ...argv], {
        input: runOptions.input ?? '',
        reject: false,
        ...(runOptions.cwd !== undefined && { cwd: runOptions.cwd }),
        env: { HOME: home, XDG_CACHE_HOME: `${home}/.cache` },
      });
      return { exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr };
    },
  };
}

/** The repository as other users can reach it, and how to let go of that view. */
async function repoViewForOthers(): Promise<{ path: string; release: () => Promise<void> }> {
  if (await reachableByOthers(REPO)) return { path: REPO, release: async () => {} };
  const mountPoint = await mkdtemp(join(tmpdir(), 'bosun-repo-'));
  await execa('mount', ['--bind', '-o', 'ro', REPO, mountPoint]);
  const unregister = onProcessExit(() => {
    spawnSync('umount', ['-l', mountPoint]);
    spawnSync('rmdir', [mountPoint]);
  });
  let released = false;
  return {
    path: mountPoint,
    release: async () => {
      if (released) return;
      released = true;
      await execa('umount', [mountPoint]);
      await rmdir(mountPoint);
      unregister();
    },
  };
}

/** Whether every folder above `path` lets others pass through (o+x). */
async function reachableByOthers(path: string): Promise<boolean> {
  for (let dir = dirname(path); ; dir = dirname(dir)) {
    if (((await stat(dir)).mode & 0o001) === 0) return false;
    if (dir === '/') return true;
  }
}
