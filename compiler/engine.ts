import { fileURLToPath } from 'node:url';

// Set by the development build of the engine (bin/dev-engine.js), whose modules live in a
// cache folder: the source tree they were built from. Unset when bosun runs from its
// sources (tests) or from its package (dist/), where modules and sources are one folder.
declare const BOSUN_SOURCE_ROOT: string | undefined;

/** The folder holding bosun's running modules: its source tree, its dist/ folder, or the development build. */
export const ENGINE_MODULES = fileURLToPath(new URL('..', import.meta.url));

/** The extension of bosun's running modules: `.ts` when run from its sources, `.js` when built. */
export const ENGINE_EXTENSION = import.meta.url.endsWith('.ts') ? '.ts' : '.js';

/** The folder of the files bosun's running modules come from (a stack frame names them with source maps on). */
export const ENGINE_SOURCES = typeof BOSUN_SOURCE_ROOT === 'string' ? BOSUN_SOURCE_ROOT : ENGINE_MODULES;

/**
 * The library's parts, relative to the engine's folder: its entry and its folders (cli/ included).
 * `roles/` ships with the library but is user-level code: type-checked and named in errors as a user's.
 */
export const ENGINE_PARTS: readonly string[] = ['index', 'compiler/', 'loader/', 'inventory/', 'runner/', 'cli/', 'testing/'];

/** The part of the engine `path` (a source or module file) is, relative to its folder; undefined when it is not the engine's. */
export function enginePath(path: string): string | undefined {
  for (const root of new Set([ENGINE_SOURCES, ENGINE_MODULES])) {
    if (!path.startsWith(root)) continue;
    const relative = path.slice(root.length);
    if (
      ENGINE_PARTS.some((part) =>
        part.endsWith('/') ? relative.startsWith(part) : /^[^/]+$/.test(relative) && relative.startsWith(`${part}.`),
      )
    ) {
      return relative;
    }
  }
  return undefined;
}
