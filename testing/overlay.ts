import { execa } from 'execa';
import { spawnSync } from 'node:child_process';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { onProcessExit } from './cleanup.ts';

/** A writable copy-on-write view of a read-only root (an overlayfs mount). */
export interface OverlayRoot {
  /** The merged root directory: write here, the lower dir never changes. */
  readonly root: string;
  /** The directory holding root, upper and work dirs. */
  readonly dir: string;
  /** Unmounts and removes everything; safe to call twice. */
  dispose(): Promise<void>;
}

/** Where overlays are made: same filesystem as the cache, not a small tmpfs. */
export const OVERLAY_DIR = process.env.BOSUN_TEST_OVERLAYS ?? '/var/tmp/bosun-test';

/** Mounts an overlay of `lower` in a fresh directory under OVERLAY_DIR. */
export async function mountOverlay(lower: string, prefix = 'root-'): Promise<OverlayRoot> {
  await mkdir(OVERLAY_DIR, { recursive: true });
  const dir = await mkdtemp(join(OVERLAY_DIR, prefix));
  const root = join(dir, 'root');
  const upper = join(dir, 'up');
  const work = join(dir, 'work');
  await Promise.all([mkdir(root), mkdir(upper), mkdir(work)]);
  await execa('mount', ['-t', 'overlay', 'overlay', '-o', `lowerdir=${lower},upperdir=${upper},workdir=${work}`, root]);
  const unregister = onProcessExit(() => {
    spawnSync('umount', ['-l', root]);
    spawnSync('rm', ['-rf', '--one-file-system', dir]);
  });
  let disposed: Promise<void> | undefined;
  return {
    root,
    dir,
    dispose() {
      disposed ??= (async () => {
        await unmount(root);
        // unmount() either unmounted or threw: rm never walks into the lower dir.
        await rm(dir, { recursive: true, force: true });
        unregister();
      })();
      return disposed;
    },
  };
}

/** Unmounts, retrying while something still holds it, then lazily as a last resort. */
export async function unmount(path: string): Promise<void> {
  for (let attempt = 0; attempt < 10; attempt += 1) {
    const result = await execa('umount', [path], { reject: false });
    if (result.exitCode === 0 || /not mounted|no mount point/i.test(result.stderr)) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await execa('umount', ['-l', path]);
}
