import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** The repository's root. */
export const ROOT = resolve(import.meta.dirname, '..', '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .map((file) => join(dir, file))
    .filter((file) => /\.(ts|js|mjs)$/.test(file) && !file.endsWith('.d.ts'));
}

/**
 * Every source file of the tree (library, roles, playbooks, bin, scripts, bench, tests), relative
 * to ROOT; not node_modules, dist or hidden folders. Tree-wide tests read these, so a new top
 * folder is read without anyone listing it.
 */
export function treeSourceFiles(): string[] {
  return readdirSync(ROOT, { withFileTypes: true }).flatMap((entry) => {
    if (entry.isDirectory())
      return ['node_modules', 'dist'].includes(entry.name) || entry.name.startsWith('.') ? [] : sourceFiles(entry.name);
    return /\.(ts|js)$/.test(entry.name) ? [entry.name] : [];
  });
}
