import { fileURLToPath } from 'node:url';
import { piecesOf } from './byte-pieces.ts';
import { ValidationError } from './errors.ts';
import type { AbsolutePath } from './validate.ts';

/**
 * A file a role brings from its own folder: `new URL('./files/motd', import.meta.url)`, or an
 * absolute path such as `` `${import.meta.dirname}/files/motd` ``. Never relative: a relative
 * path would depend on the directory bosun happens to run from.
 */
export type LocalPath = URL | AbsolutePath;

/** What is at a local path, as data: the compiler reads the controller's disk only through this. */
export type LocalNode =
  | LocalFileNode
  | {
      /** A directory (a link to one is followed). */
      readonly kind: 'directory';
      /** The names in it (no `.` or `..`), in any order. */
      readonly entries: readonly string[];
    }
  | {
      /** Nothing is there. */
      readonly kind: 'missing';
    }
  | {
      /** Something is there that cannot be read as a file or a directory. */
      readonly kind: 'unreadable';
      /** Why, in words: permission denied, a device, … */
      readonly reason: string;
    };

/**
 * A regular file (a link to one is followed), described without its bytes: a copied artifact
 * may be larger than the controller's memory, so its content is read in pieces, when needed.
 */
export interface LocalFileNode {
  readonly kind: 'file';
  /** How many bytes it held when it was looked at. */
  readonly size: number;
  /** The owner may execute it (copied files keep that as their default mode 0755). */
  readonly executable: boolean;
  /**
   * Its content in order, in pieces of at most PIECE_BYTES, read anew from where it is on each
   * call (the file may have changed since: whoever sends the bytes checks them against their sha256).
   */
  chunks(): Iterable<Uint8Array>;
}

/** A local file given as bytes in memory (what tests give a compile instead of the disk). */
export function fileNode(bytes: Uint8Array, executable = false): LocalFileNode {
  return { kind: 'file', size: bytes.byteLength, executable, chunks: () => piecesOf(bytes) };
}

/**
 * How the compiler sees the files roles bring (copy sources, templates, archives). The caller
 * of compilePlan gives it (the CLI reads the disk, tests may give data), so the compiler stays
 * pure: small content reaches it as data and ends up in the script, whose digest then covers it;
 * larger content is named in the script by its sha256, and the runner checks the bytes it sends against it.
 */
export interface LocalFiles {
  /** What is at `path` (absolute, on the machine bosun runs on), symbolic links followed. */
  read(path: string): LocalNode;
}

/** A compiler given no way to read local files: a resource that needs one says so. */
export const NO_LOCAL_FILES: LocalFiles = {
  read: () => ({ kind: 'unreadable', reason: 'this compile was given no local files to read (CompileOptions.files)' }),
};

/** The absolute local path a `LocalPath` names; a relative path or another URL scheme is refused. */
export function localPath(value: unknown, field: string): string {
  if (value instanceof URL) {
    if (value.protocol !== 'file:') throw new ValidationError(field, `must be a file: URL or an absolute path, got ${value.href}`);
    return fileURLToPath(value);
  }
  if (typeof value === 'string' && value.startsWith('file:')) return localPath(new URL(value), field);
  if (typeof value !== 'string' || !value.startsWith('/')) {
    throw new ValidationError(
      field,
      `must be an absolute path or a file: URL, got ${JSON.stringify(value) ?? String(value)} ` +
        "(a relative path would depend on where bosun runs: name the role's files from its own module's URL or directory)",
    );
  }
  if (value.includes('\0')) throw new ValidationError(field, 'contains a NUL byte');
  return value;
}

/** A local file (its size, mode and a way to read it); a missing or unreadable one is an error naming the field and the file. */
export function localFile(files: LocalFiles, path: string, field: string): LocalFileNode {
  const node = files.read(path);
  if (node.kind === 'file') return node;
  throw new ValidationError(field, `${path}: ${problem(node, 'a file')}`);
}

/** One entry of a local directory tree, relative to its top. */
export interface LocalTreeEntry {
  /** `/`-separated, relative to the top of the tree, e.g. `conf.d/a.conf`. */
  readonly path: string;
  /** The absolute local path it was read from. */
  readonly local: string;
  readonly node: Extract<LocalNode, { kind: 'file' | 'directory' }>;
}

/**
 * Every directory and file under a local directory (not the top itself), parents before
 * their contents, in code-unit order of names, so the same tree gives the same plan.
 */
export function localTree(files: LocalFiles, top: string, field: string): LocalTreeEntry[] {
  const root = files.read(top);
  if (root.kind !== 'directory') throw new ValidationError(field, `${top}: ${problem(root, 'a directory')}`);
  const found: LocalTreeEntry[] = [];
  // sort() without a comparer orders by UTF-16 code units: the same on every machine and locale.
  const walk = (relative: string, names: readonly string[], depth = 0): void => {
    // Links are followed: one that points above itself would make the tree endless.
    if (depth > 64)
      throw new ValidationError(field, `${top}/${relative}: deeper than 64 directories (a symbolic link to a directory above it?)`);
    for (const name of [...names].sort()) {
      const path = relative === '' ? name : `${relative}/${name}`;
      const local = `${top.replace(/\/+$/, '')}/${path}`;
      const node = files.read(local);
      if (node.kind !== 'file' && node.kind !== 'directory') {
        throw new ValidationError(field, `${local}: ${problem(node, 'a file or a directory')}`);
      }
      found.push({ path, local, node });
      if (node.kind === 'directory') walk(path, node.entries, depth + 1);
    }
  };
  walk('', root.entries);
  return found;
}

function problem(node: LocalNode, wanted: string): string {
  if (node.kind === 'missing') return 'no such file or directory on this machine';
  if (node.kind === 'unreadable') return `cannot be read: ${node.reason}`;
  return `is ${node.kind === 'file' ? 'a file' : 'a directory'}, not ${wanted}`;
}
