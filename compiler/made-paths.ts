import { shortHash } from './short-hash.ts';
import { sh, type Shell } from './shell.ts';

/**
 * Check mode's memory of the paths that earlier steps would create. A step that would change and
 * says what it may create (`Step.makes`) marks each of those paths, and each directory above them,
 * with one shell variable named by the path's key; a later check that needs a path (`needs`) reads
 * that one variable. So the lookup costs the same at step 10 and at step 10,000 (a list of paths
 * searched with `case` made a fresh 10,000-step check quadratic), and the host's shell computes
 * nothing: the keys are worked out here, at compile time.
 */

/** A path's key: the short hash of its normal form (no repeated or trailing slash), hex. */
export function pathKey(path: string): string {
  return keyOf(normalPath(path));
}

/**
 * The keys `_bosun_may_make` marks for these paths: each path and every directory above it
 * but the root, once each. A check needing a directory is satisfied by a step that makes it or
 * anything below it.
 */
export function madeKeys(paths: readonly string[]): string[] {
  const keys = new Set<string>();
  for (const path of paths) {
    let at = normalPath(path);
    while (at.length > 1) {
      const key = keyOf(at);
      if (keys.has(key)) break;
      keys.add(key);
      at = at.slice(0, at.lastIndexOf('/'));
    }
  }
  return [...keys];
}

/** What a check needs at a path: a regular file, a directory, or anything at all. */
export type Needed = 'file' | 'dir' | 'path';

/**
 * Inside a check: the step needs `path` to be a `kind`. When it is not, the step cannot be
 * applied (`reason` says why, as the step's output), unless in check mode an earlier step that
 * would change may still create it.
 */
export function needs(kind: Needed, path: string, reason: string): Shell {
  return sh`_bosun_needs ${kind} ${path} ${reason} ${pathKey(path)}`;
}

// Every step of a host names the same few directories: a compile of a large fleet asks for their keys over and over.
const KEYS = new Map<string, string>();
function keyOf(normal: string): string {
  let key = KEYS.get(normal);
  if (key === undefined) {
    key = shortHash(normal);
    if (KEYS.size >= 4096) KEYS.clear();
    KEYS.set(normal, key);
  }
  return key;
}

function normalPath(path: string): string {
  const collapsed = path.replace(/\/{2,}/g, '/');
  return collapsed.length > 1 && collapsed.endsWith('/') ? collapsed.slice(0, -1) : collapsed;
}
