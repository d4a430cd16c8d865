import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';

/** A file and the sha256 of its content, as a cache records what it was made from. */
export type FileHash = readonly [path: string, sha256: string];

/** sha256 of text or bytes, hex. */
export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** The content hash of each file, read now. */
export function hashFiles(paths: readonly string[]): Promise<FileHash[]> {
  return Promise.all(paths.map(async (path) => [path, sha256(await readFile(path))] as const));
}

/**
 * Whether every file still has the recorded content: the one test both of bosun's caches (the
 * type-check, the bundles) trust, so an edit anywhere in a file set invalidates its entry.
 * Synchronous reads: it runs on every start-up, with nothing else to do meanwhile.
 */
export function unchanged(files: readonly FileHash[]): boolean {
  try {
    return files.length > 0 && files.every(([path, hash]) => sha256(readFileSync(path)) === hash);
  } catch {
    return false;
  }
}

/** Writes `path` whole or not at all (a temp file beside it, then a rename): a reader never sees half. */
export async function writeAtomically(path: string, data: string | Uint8Array): Promise<void> {
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, data);
  await rename(temp, path);
}
