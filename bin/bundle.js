// Plain JavaScript on purpose: it runs before any TypeScript can be loaded.
import { createHash } from 'node:crypto';
import { access, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

// Bump when the way bundles are built changes, so old ones are not reused.
const RECIPE = 2;

const sha = (data) => createHash('sha256').update(data).digest('hex');

function cacheDir() {
  return join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'bosun', 'bundles');
}

/**
 * The URL of one ES module holding `entry` and every local file it imports,
 * built by esbuild and cached by the content of its inputs. Loading one file
 * instead of a graph of TypeScript modules through a loader hook is what keeps
 * bosun's start-up small. Packages stay outside the bundle, imported by absolute
 * path, so a bundle works from the cache wherever its sources live.
 *
 * @param {string} entry path of a .ts (or .js) module
 * @returns {Promise<string>} a file: URL to import
 */
export async function bundledModule(entry) {
  const file = resolve(entry);
  const key = sha(`${RECIPE}\0${file}`).slice(0, 32);
  const manifestFile = join(cacheDir(), `${key}.json`);
  const output = (await freshOutput(manifestFile)) ?? (await build(file, key, manifestFile));
  return pathToFileURL(output).href;
}

async function freshOutput(manifestFile) {
  try {
    const manifest = JSON.parse(await readFile(manifestFile, 'utf8'));
    for (const [path, hash] of manifest.inputs) {
      if (sha(await readFile(path)) !== hash) return undefined;
    }
    await access(manifest.output);
    return manifest.output;
  } catch {
    return undefined;
  }
}

async function build(file, key, manifestFile) {
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
    plugins: [ownImportMeta, packagesByAbsolutePath],
  });
  const code = result.outputFiles[0].contents;
  const inputs = await Promise.all(
    Object.keys(result.metafile.inputs).map(async (path) => {
      const absolute = resolve('/', path);
      return [absolute, sha(await readFile(absolute))];
    }),
  );
  await mkdir(cacheDir(), { recursive: true });
  const output = join(cacheDir(), `${key}-${sha(code).slice(0, 16)}.mjs`);
  const previous = await readFile(manifestFile, 'utf8').then(
    (text) => JSON.parse(text).output,
    () => undefined,
  );
  await writeAtomically(output, code);
  await writeAtomically(manifestFile, JSON.stringify({ inputs, output }));
  // One bundle per entry is kept: the one its manifest names.
  if (previous !== undefined && previous !== output) await rm(previous, { force: true });
  return output;
}

async function writeAtomically(path, data) {
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, data);
  await rename(temp, path);
}

/** Each module keeps its own import.meta.url/dirname/filename, as if it were not bundled. */
const ownImportMeta = {
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
const packagesByAbsolutePath = {
  name: 'bosun-packages-by-path',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, async (args) => {
      if (args.pluginData === 'bosun-resolving') return undefined;
      if (args.path.startsWith('node:') || builtinModules.includes(args.path)) return { path: args.path, external: true };
      const resolved = await build.resolve(args.path, {
        kind: args.kind,
        importer: args.importer,
        resolveDir: args.resolveDir,
        pluginData: 'bosun-resolving',
      });
      if (resolved.errors.length > 0) return { errors: resolved.errors };
      return { path: pathToFileURL(resolved.path).href, external: true };
    });
  },
};
