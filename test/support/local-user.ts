import { execa } from 'execa';
import { rm, writeFile } from 'node:fs/promises';

/** A throwaway user of this machine, to run bosun as an operator would rather than as root. */
export interface LocalUser {
  readonly name: string;
  readonly home: string;
  /** Runs `argv` as this user (runuser), with HOME and the caches in the user's home. */
  run(argv: readonly string[], options?: { input?: string; cwd?: string }): Promise<{ exitCode: number | undefined; stdout: string; stderr: string }>;
  /** Removes the user, its home and its sudo rule. Safe to call twice. */
  remove(): Promise<void>;
}

/**
 * Makes a user with a home (replacing a leftover of the same name), with a
 * password when given and a sudo rule when given (checked by `visudo -c`).
 */
export async function createLocalUser(name: string, options: { password?: string; sudoRule?: string } = {}): Promise<LocalUser> {
  const sudoers = `/etc/sudoers.d/${name}`;
  const remove = async (): Promise<void> => {
    await rm(sudoers, { force: true });
    await execa('userdel', ['-r', name], { reject: false });
  };
  await remove();
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
