import { execa } from 'execa';

/** Runs a command inside a chroot (a Debian root of a test) with a plain environment; never throws on its exit code. */
export function inRoot(root: string, ...argv: string[]) {
  return execa('chroot', [root, ...argv], {
    reject: false,
    all: true,
    stdin: 'ignore',
    env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LC_ALL: 'C.UTF-8' },
    extendEnv: false,
  });
}
