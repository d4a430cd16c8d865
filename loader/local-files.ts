import { accessSync, constants, readdirSync, readFileSync, statSync } from 'node:fs';
import type { LocalFiles, LocalNode } from '../compiler/local-files.ts';

/**
 * Local files read from this machine's disk, for compilePlan: each path is read once per run
 * (a role compiled for a hundred hosts reads its files once), symbolic links followed.
 */
export function diskFiles(): LocalFiles {
  const seen = new Map<string, LocalNode>();
  return {
    read(path) {
      let node = seen.get(path);
      if (node === undefined) {
        node = readNode(path);
        seen.set(path, node);
      }
      return node;
    },
  };
}

function readNode(path: string): LocalNode {
  try {
    const stat = statSync(path);
    if (stat.isDirectory()) return { kind: 'directory', entries: readdirSync(path) };
    if (!stat.isFile()) return { kind: 'unreadable', reason: 'not a regular file (a device, a socket or a fifo)' };
    // Read access is what matters for the bytes; the owner's execute bit is what a copy keeps.
    accessSync(path, constants.R_OK);
    return { kind: 'file', bytes: readFileSync(path), executable: (stat.mode & 0o100) !== 0 };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'missing' };
    return { kind: 'unreadable', reason: (error as Error).message };
  }
}
