import { access, chmod, copyFile, mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ChrootTransport } from '../runner/chroot-transport.ts';
import { type DebianBaseRecipe, debianBase, MINIMAL_BOOKWORM } from './debian-base.ts';
import { testHost } from './host.ts';
import { mountOverlay } from './overlay.ts';
import type { Target } from './target.ts';
import { listTree } from './tree.ts';

/** A disposable Debian root (an overlay of a cached base) entered with chroot. */
export interface DebianRoot extends Target {
  /** The root directory the chroot enters. */
  readonly root: string;
  /** The folder holding the overlay's root, upper and work dirs. */
  readonly dir: string;
  /** The overlay's upper dir: every write to the root lands here, and `tree()` lists it. */
  readonly upper: string;
}

/**
 * A fresh Debian root for a test: an overlay of the cached base of `recipe` (built with
 * debootstrap the first time), with a policy-rc.d that keeps package scripts from starting
 * daemons (which would outlive the test and hold the mount) and this machine's resolv.conf,
 * so apt can reach the archive. Needs root. Call `dispose()` when done; an interrupted run
 * still unmounts it when the process exits.
 */
export async function debianRoot(recipe: DebianBaseRecipe = MINIMAL_BOOKWORM): Promise<DebianRoot> {
  const overlay = await mountOverlay((await debianBase(recipe)).root);
  try {
    await writeFile(join(overlay.root, 'usr/sbin/policy-rc.d'), '#!/bin/sh\nexit 101\n', { mode: 0o755 });
    // apt opens an O_TMPFILE in /tmp even read-only: invisible on a real filesystem, but on
    // overlayfs it copies /tmp up. Copy it up now, so listings show only real writes.
    await chmod(join(overlay.root, 'tmp'), 0o1777);
    const resolv = join(overlay.root, 'etc/resolv.conf');
    const hasResolv = await access(resolv).then(
      () => true,
      () => false,
    );
    if (!hasResolv) {
      await mkdir(join(overlay.root, 'etc'), { recursive: true });
      await rm(resolv, { force: true });
      await copyFile('/etc/resolv.conf', resolv);
    }
  } catch (error) {
    await overlay.dispose();
    throw error;
  }
  const upper = join(overlay.dir, 'up');
  return {
    root: overlay.root,
    dir: overlay.dir,
    upper,
    host: testHost({ name: 'image', connection: { transport: 'chroot', root: overlay.root } }),
    transport: new ChrootTransport(overlay.root),
    tree: () => listTree(upper),
    dispose: () => overlay.dispose(),
  };
}
