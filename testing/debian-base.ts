import { execa } from 'execa';
import { access, mkdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { withDirLock } from './dir-lock.ts';

/**
 * How a Debian root filesystem for tests is made: debootstrap's minimal variant with
 * `packages`, then `configure`, then a warm apt index. The result is cached under its
 * `name` and never modified after: tests run in overlays of it.
 */
export interface DebianBaseRecipe {
  /** Names the base in the cache. Change it whenever the recipe changes, so the cache is rebuilt. */
  readonly name: string;
  /** The Debian release. Default `bookworm`. */
  readonly suite?: string;
  /** Packages installed on top of the minimal set (debootstrap `--include`). */
  readonly packages?: readonly string[];
  /** Packages downloaded into apt's cache but not installed, so that tests install them without the network. */
  readonly download?: readonly string[];
  /** More set-up of the new root before it is cached (users, keys, settings). `dir` holds `root` and may keep other files. */
  readonly configure?: (root: string, dir: string) => Promise<void>;
}

/** A base that was built (or found in the cache). */
export interface CachedBase {
  /** The root filesystem: an overlay's lower dir; never write to it. */
  readonly root: string;
  /** The base's folder in the cache: `root` and what `configure` kept beside it. */
  readonly dir: string;
}

/** The base `debianRoot()` uses by default: Debian bookworm, minimal, with systemd and CA certificates. */
export const MINIMAL_BOOKWORM: DebianBaseRecipe = { name: 'bookworm-minbase-testing-1', packages: ['systemd', 'ca-certificates'] };

/** Where bases are cached between runs: `$BOSUN_TEST_CACHE`, else /var/cache/bosun-test. */
export function baseCacheDir(): string {
  return process.env.BOSUN_TEST_CACHE ?? '/var/cache/bosun-test';
}

const building = new Map<string, Promise<CachedBase>>();

/**
 * Builds (or finds in the cache) the base of `recipe`. Needs root and debootstrap, and the
 * Debian archive this machine's apt uses. One build per process for concurrent callers;
 * other processes wait on a lock, and a half-built base is never seen.
 */
export function debianBase(recipe: DebianBaseRecipe = MINIMAL_BOOKWORM): Promise<CachedBase> {
  let pending = building.get(recipe.name);
  if (pending === undefined) {
    pending = buildOnce(recipe);
    building.set(recipe.name, pending);
    pending.catch(() => building.delete(recipe.name));
  }
  return pending;
}

async function buildOnce(recipe: DebianBaseRecipe): Promise<CachedBase> {
  const dir = join(baseCacheDir(), `base-${recipe.name}`);
  await mkdir(baseCacheDir(), { recursive: true });
  if (!(await exists(dir))) {
    await withDirLock(`${dir}.lock`, async () => {
      if (!(await exists(dir))) await build(dir, recipe);
    });
  }
  return { root: join(dir, 'root'), dir };
}

/** Builds in a scratch directory and renames it into place. */
async function build(dir: string, recipe: DebianBaseRecipe): Promise<void> {
  const scratch = `${dir}.building-${process.pid}`;
  await rm(scratch, { recursive: true, force: true });
  await mkdir(scratch, { recursive: true });
  const root = join(scratch, 'root');
  try {
    const include = recipe.packages === undefined || recipe.packages.length === 0 ? [] : [`--include=${recipe.packages.join(',')}`];
    await run('debootstrap', ['--variant=minbase', ...include, recipe.suite ?? 'bookworm', root, await debianMirror()]);
    await recipe.configure?.(root, scratch);
    // A warm apt index, so package steps work in every root without each one downloading the lists again.
    await run('chroot', [root, 'apt-get', 'update', '-q'], { env: { LANG: 'C' } });
    if (recipe.download !== undefined && recipe.download.length > 0) {
      await run('chroot', [root, 'apt-get', 'install', '-y', '-q', '--download-only', ...recipe.download], {
        env: { LANG: 'C', DEBIAN_FRONTEND: 'noninteractive' },
      });
    }
    await rename(scratch, dir);
  } catch (error) {
    await rm(scratch, { recursive: true, force: true });
    throw error;
  }
}

/** The Debian archive this machine's apt already uses (first `URIs:` or `deb` line), else deb.debian.org. */
export async function debianMirror(): Promise<string> {
  const deb822 = await readFile('/etc/apt/sources.list.d/debian.sources', 'utf8').catch(() => '');
  const uri = /^URIs:\s*(\S+)/m.exec(deb822)?.[1];
  if (uri !== undefined) return uri;
  const legacy = await readFile('/etc/apt/sources.list', 'utf8').catch(() => '');
  const line = /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)/m.exec(legacy)?.[1];
  if (line !== undefined) return line;
  return 'http://deb.debian.org/debian';
}

/** Runs a program for a recipe; a failure throws with the end of its output. */
export async function run(
  file: string,
  args: readonly string[],
  options: { input?: string; env?: Record<string, string> } = {},
): Promise<void> {
  const result = await execa(file, args, { input: options.input, env: options.env, all: true, reject: false });
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
