import { lstat, readdir, readlink } from 'node:fs/promises';
import { join, relative } from 'node:path';

/**
 * A full listing of a directory tree, one line per entry: path, type, mode, owner,
 * size, mtime and ctime in nanoseconds, and a symlink's target. Two listings are
 * equal exactly when nothing under the root was created, removed, written, chmod-ed,
 * chown-ed or renamed in between.
 */
export async function listTree(root: string, options: { readonly exclude?: readonly string[] } = {}): Promise<string[]> {
  const exclude = new Set((options.exclude ?? []).map((path) => path.replace(/^\/+|\/+$/g, '')));
  const lines: string[] = [];
  const walk = async (path: string): Promise<void> => {
    const rel = relative(root, path);
    if (exclude.has(rel)) return;
    const stat = await lstat(path, { bigint: true });
    const type = typeLetter(stat);
    const target = stat.isSymbolicLink() ? ` -> ${JSON.stringify(await readlink(path))}` : '';
    lines.push(
      `${JSON.stringify(`/${rel}`)} ${type} ${stat.mode.toString(8)} ${stat.uid}:${stat.gid} ${stat.size} m${stat.mtimeNs} c${stat.ctimeNs}${target}`,
    );
    if (type === 'd') {
      for (const name of (await readdir(path)).sort()) await walk(join(path, name));
    }
  };
  await walk(root);
  return lines;
}

/** l, d, f, or o for anything else (a device, a fifo, a socket). */
function typeLetter(stat: { isSymbolicLink(): boolean; isDirectory(): boolean; isFile(): boolean }): string {
  if (stat.isSymbolicLink()) return 'l';
  if (stat.isDirectory()) return 'd';
  return stat.isFile() ? 'f' : 'o';
}
