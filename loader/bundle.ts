import type { Plugin } from 'esbuild';
import { createHash } from 'node:crypto';
import { access, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ENGINE_EXTENSION, ENGINE_MODULES, enginePath } from '../compiler/engine.ts';
import { cacheDir } from './cache-dir.ts';

// Bump when the way bundles are built changes, so old ones are not reused.
const RECIPE = 3;

const sha = (data: string | Uint8Array): string => createHash('sha256').update(data).digest('hex');

interface Manifest {
  /** Every bundled file with the hash of its content. */
  readonly inputs: readonly (readonly [string, string])[];
  readonly output: string;
  /** The engine the bundle imports: a bundle made for another one is not reused. */
  readonly engine: string;
}

/**
 * The URL of one ES module holding `entry` (a playbook, an inventory) and every local
 * file it imports, built by esbuild and cached by the content of its inputs. bosun's
 * own modules are not bundled: the bundle imports the running engine's, so a run holds
 * one copy of each (one `Secret` class, one error hierarchy). Packages stay outside too,
 * imported by absolute path, so a bundle works from the cache wherever its sources live.
 */
export async function bundledModule(entry: string): Promise<string> {
  const file = resolve(entry);
  const key = sha(`${RECIPE}\0${file}`).slice(0, 32);
  const manifestFile = join(cacheDir('bundles'), `${key}.json`);
  const output = (await freshOutput(manifestFile)) ?? (await build(file, key, manifestFile));
  return pathToFileURL(output).href;
}

async function freshOutput(manifestFile: string): Promise<string | undefined> {
  try {
    const manifest = JSON.parse(await readFile(manifestFile, 'utf8')) as Manifest;
    if (manifest.engine !== ENGINE_MODULES) return undefined;
    for (const [path, hash] of manifest.inputs) {
      if (sha(await readFile(path)) !== hash) return undefined;
    }
    await access(manifest.output);
    return manifest.output;
  } catch {
    return undefined;
  }
}

async function build(file: string, key: string, manifestFile: string): Promise<string> {
  // esbuild is loaded only when a bundle must be built, not on a cache hit.
  const { build: esbuild } = await import('esbuild');
  const result = await esbuild({
    entryPoints: [file],
    absWorkingDir: '/',
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    // Class names must survive: errors and secrets are recognised by them across copies.
    keepNames: true,
    // Errors thrown in a playbook or role name its own file and line (bin/bosun.js turns source maps on).
    sourcemap: 'inline',
    sourcesContent: false,
    // Sources are relative to absWorkingDir (/): the root makes them the absolute paths they are.
    sourceRoot: '/',
    write: false,
    metafile: true,
    logLevel: 'silent',
    plugins: [runningEngine, ownImportMeta, packagesByAbsolutePath],
  });
  const code = result.outputFiles[0]!.contents;
  const inputs = await Promise.all(
    Object.keys(result.metafile.inputs).map(async (path) => {
      const absolute = resolve('/', path);
      return [absolute, sha(await readFile(absolute))] as const;
    }),
  );
  const dir = cacheDir('bundles');
  await mkdir(dir, { recursive: true });
  const output = join(dir, `${key}-${sha(code).slice(0, 16)}.mjs`);
  const previous = await readFile(manifestFile, 'utf8').then(
    (text) => (JSON.parse(text) as Manifest).output,
    () => undefined,
  );
  await writeAtomically(output, code);
  await writeAtomically(manifestFile, JSON.stringify({ inputs, output, engine: ENGINE_MODULES } satisfies Manifest));
  // One bundle per entry is kept: the one its manifest names.
  if (previous !== undefined && previous !== output) await rm(previous, { force: true });
  return output;
}

async function writeAtomically(path: string, data: string | Uint8Array): Promise<void> {
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, data);
  await rename(temp, path);
}

// Marks a resolution the plugins below asked for themselves, so they do not see it twice.
const OWN = 'bosun-resolving';

/**
 * An import of one of bosun's own modules (`../index.ts` from a playbook in bosun's clone,
 * `bosun` from a user's project) becomes an import of the module the running engine loaded.
 */
const runningEngine: Plugin = {
  name: 'bosun-running-engine',
  setup(build) {
    build.onResolve({ filter: /.*/ }, async (args) => {
      if (args.pluginData === OWN || args.kind === 'entry-point' || args.path.startsWith('node:')) return undefined;
      const resolved = await build.resolve(args.path, {
        kind: args.kind,
        importer: args.importer,
        resolveDir: args.resolveDir,
        pluginData: OWN,
      });
      if (resolved.errors.length > 0 || resolved.external) return undefined;
      const part = enginePath(resolved.path);
      if (part === undefined) return undefined;
      return { path: pathToFileURL(join(ENGINE_MODULES, part.replace(/\.[cm]?[jt]s$/, ENGINE_EXTENSION))).href, external: true };
    });
  },
};

/** Each module keeps its own import.meta.url/dirname/filename, as if it were not bundled. */
const ownImportMeta: Plugin = {
  name: 'bosun-own-import-meta',
  setup(build) {
    build.onLoad({ filter: /\.[cm]?[jt]s$/ }, async (args) => {
      if (args.path.includes('/node_modules/')) return undefined;
      const source = await readFile(args.path, 'utf8');
      if (!source.includes('import.meta')) return undefined;
      const dirname = args.path.slice(0, args.path.lastIndexOf('/')) || '/';
      const contents = source
        .replace(/\bimport\.meta\.url\b/g, JSON.stringify(pathToFileURL(args.path).href))
        .replace(/\bimport\.meta\.dirname\b/g, JSON.stringify(dirname))
        .replace(/\bimport\.meta\.filename\b/g, JSON.stringify(args.path));
      return { contents, loader: /\.[cm]?ts$/.test(args.path) ? 'ts' : 'js', resolveDir: dirname };
    });
  },
};

/** Packages are not bundled: they are imported by the absolute path esbuild resolves them to. */
const packagesByAbsolutePath: Plugin = {
  name: 'bosun-packages-by-path',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (args.pluginData === OWN) return undefined;
      if (args.path.startsWith('node:') || builtinModules.includes(args.path)) return { path: args.path, external: true };
      const resolved = await build.resolve(args.path, {
        kind: args.kind,
        importer: args.importer,
        resolveDir: args.resolveDir,
        pluginData: OWN,
      });
      if (resolved.errors.length > 0) return { errors: resolved.errors };
      return { path: pathToFileURL(resolved.path).href, external: true };
    });
  },
};
