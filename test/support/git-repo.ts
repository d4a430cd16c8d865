import { execa } from 'execa';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** A bare repository made for a test, and a work tree that pushes to it. */
export interface TestRepo {
  /** The bare repository's path, as the host sees it (the remote a checkout clones). */
  readonly bare: string;
  /** Commits `files` on `branch` (made when new) and pushes it: the new commit's id. */
  commit(files: Readonly<Record<string, string>>, branch?: string): Promise<string>;
  /** Tags the tip of `branch` (annotated unless `lightweight`) and pushes the tag. */
  tag(name: string, options?: { readonly branch?: string; readonly lightweight?: boolean }): Promise<string>;
  /** Runs git in the work tree; its stdout. */
  git(...args: string[]): Promise<string>;
}

/** Makes `dir/remote.git` (bare, default branch main) and `dir/work`, with this machine's git. */
export async function makeTestRepo(dir: string): Promise<TestRepo> {
  const bare = join(dir, 'remote.git');
  const work = join(dir, 'work');
  // Trusting every repository: a test may hand the bare one to another user (the checkout's owner),
  // and git checks the owner of a repository it pushes into too.
  const trust = join(dir, 'trust.gitconfig');
  await mkdir(dir, { recursive: true });
  await writeFile(trust, '[safe]\n\tdirectory = *\n');
  const env = {
    GIT_CONFIG_GLOBAL: trust,
    GIT_AUTHOR_NAME: 'bosun',
    GIT_AUTHOR_EMAIL: 'test@bosun.invalid',
    GIT_COMMITTER_NAME: 'bosun',
    GIT_COMMITTER_EMAIL: 'test@bosun.invalid',
  };
  const git = async (...args: string[]): Promise<string> => (await execa('git', ['-C', work, ...args], { env })).stdout;
  await execa('git', ['init', '-q', '--bare', '-b', 'main', bare]);
  await execa('git', ['init', '-q', '-b', 'main', work]);
  await git('remote', 'add', 'origin', bare);
  return {
    bare,
    git,
    async commit(files, branch = 'main') {
      const born = (await git('rev-parse', '-q', '--verify', 'HEAD').catch(() => '')) !== '';
      if (born) await git('checkout', '-q', ...((await git('branch', '--list', branch)) === '' ? ['-b', branch] : [branch]));
      for (const [name, content] of Object.entries(files)) await writeFile(join(work, name), content);
      await git('add', '-A');
      await git('commit', '-q', '--allow-empty', '-m', `commit ${Object.keys(files).join(' ')}`);
      await git('push', '-q', 'origin', `HEAD:refs/heads/${branch}`);
      return git('rev-parse', 'HEAD');
    },
    async tag(name, options = {}) {
      const tip = `refs/remotes/origin/${options.branch ?? 'main'}`;
      await git('fetch', '-q', 'origin');
      await git('tag', ...(options.lightweight ? [] : ['-a', '-m', name]), name, tip);
      await git('push', '-q', 'origin', `refs/tags/${name}`);
      return git('rev-parse', `${tip}^{commit}`);
    },
  };
}
