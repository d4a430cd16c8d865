import { accessSync, closeSync, constants, openSync, readdirSync, readSync, statSync } from 'node:fs';
import { PIECE_BYTES } from '../compiler/byte-pieces.ts';
import type { LocalFiles, LocalNode } from '../compiler/local-files.ts';

/**
 * Local files read from this machine's disk, for compilePlan: each path is looked at once per
 * run (a role compiled for a hundred hosts reads its files once), symbolic links followed. A
 * file's bytes are not kept: they are read in pieces whenever they are needed, so a copied
 * artifact costs the controller a piece of memory, not its size.
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
    return { kind: 'file', size: stat.size, executable: (stat.mode & 0o100) !== 0, chunks: () => pieces(path) };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'missing' };
    return { kind: 'unreadable', reason: (error as Error).message };
  }
}

/** The file's bytes as they are now, in full pieces of PIECE_BYTES (the last one shorter); a new buffer each, as a piece may still be on its way. */
function* pieces(path: string): Generator<Uint8Array> {
  const fd = openSync(path, 'r');
  try {
    for (;;) {
      const piece = Buffer.allocUnsafe(PIECE_BYTES);
      let filled = 0;
      while (filled < PIECE_BYTES) {
        const read = readSync(fd, piece, filled, PIECE_BYTES - filled, null);
        if (read === 0) break;
        filled += read;
      }
      if (filled > 0) yield piece.subarray(0, filled);
      if (filled < PIECE_BYTES) return;
    }
  } finally {
    closeSync(fd);
  }
}
