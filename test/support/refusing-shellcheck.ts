import { mkdir, symlink } from 'node:fs/promises';
import { localRoot } from '../../testing/index.ts';

/** A PATH whose first `shellcheck` refuses every script, and how to remove it. */
export interface RefusingShellcheck {
  /** This process's PATH with the stand-in's directory in front. */
  readonly path: string;
  dispose(): Promise<void>;
}

/**
 * A `shellcheck` that refuses every script: a link to `false`, a program already on disk (it tells
 * whether a check was asked for). It reads none of the script, so a script may meet a closed pipe
 * (EPIPE), which testing/shellcheck.ts takes as its refusal too.
 */
export async function refusingShellcheck(): Promise<RefusingShellcheck> {
  const root = await localRoot();
  await mkdir(`${root.dir}/bin`);
  await symlink('/bin/false', `${root.dir}/bin/shellcheck`);
  return { path: `${root.dir}/bin:${process.env.PATH ?? ''}`, dispose: () => root.dispose() };
}
