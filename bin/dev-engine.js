// Plain JavaScript on purpose: it runs before any TypeScript can be loaded.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { access, mkdir, readdir, readFile, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

// Bump when the way the engine is built changes, so old builds are not reused.
const RECIPE = 1;

// A superseded build is removed this long after it was superseded, not at once: a bosun
// still running from it may yet import one of its modules.
const STALE_MS = 60 * 60 * 1000;

const sha = (data) => createHash('sha256').update(data).digest('hex');

function cacheDir() {
  return join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'bosun', 'engine');
}

/**
 * The URL of `module` (e.g. `cli/main.js`) in a build of bosun's sources under `root`:
 * every library module (tsconfig.build.json's `include`) compiled by esbuild to one
 * JavaScript module each, as tsc compiles them into dist/ for the package, and cached
 * by their content. Modules, not one bundle: a playbook's bundle imports these very
 * modules, so a run holds one copy of bosun (loader/bundle.ts).
 *
 * @param {string} root the clone's folder (with a trailing slash)
 * @param {string} module a module's path in the build
 * @returns {Promise<string>} a file: URL to import
 */
export async function devEngine(root, module) {
  const sources = await librarySources(root);
  const key = sha(`${RECIPE}\0${root}`).slice(0, 32);
  const manifestFile = join(cacheDir(), `${key}.json`);
  const output = (await freshOutput(manifestFile, sources)) ?? (await build(root, sources, key, manifestFile));
  return pathToFileURL(join(output, module)).href;
}

/** The library's TypeScript files, relative to `root`, sorted. */
async function librarySources(root) {
  const { include } = JSON.parse(await readFile(join(root, 'tsconfig.build.json'), 'utf8'));
  const found = [];
  for (const part of include) {
    if (part.endsWith('.ts')) found.push(part);
    else for (const file of await readdir(join(root, part), { recursive: true })) found.push(join(part, file));
  }
  return found.filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts')).sort();
}

async function freshOutput(manifestFile, sources) {
  try {
    const manifest = JSON.parse(await readFile(manifestFile, 'utf8'));
    if (manifest.inputs.length !== sources.length || manifest.inputs.some(([file], index) => file !== sources[index])) return undefined;
    // Synchronous reads: this runs at every start-up with nothing else to do, and a hundred
    // small reads through the thread pool cost more than reading them in turn.
    if (manifest.inputs.some(([file, hash]) => sha(readFileSync(join(manifest.root, file))) !== hash)) return undefined;
    await access(manifest.output);
    return manifest.output;
  } catch {
    return undefined;
  }
}

async function build(root, sources, key, manifestFile) {
  const { build: esbuild } = await import('esbuild');
  const inputs = await Promise.all(sources.map(async (file) => [file, sha(await readFile(join(root, file)))]));
  const output = join(cacheDir(), `${key}-${sha(JSON.stringify(inputs)).slice(0, 16)}`);
  const scratch = `${output}.${process.pid}.tmp`;
  await rm(scratch, { recursive: true, force: true });
  await esbuild({
    entryPoints: sources.map((file) => join(root, file)),
    outbase: root,
    outdir: scratch,
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    keepNames: true,
    // Stack traces name the source files (bin/bosun.js turns source maps on).
    sourcemap: 'inline',
    sourcesContent: false,
    define: { BOSUN_SOURCE_ROOT: JSON.stringify(root) },
    logLevel: 'silent',
    plugins: [eachModuleItsOwn],
  });
  // The modules import packages by name: they find them through the clone's node_modules.
  await symlink(join(root, 'node_modules'), join(scratch, 'node_modules'));
  await writeFile(join(scratch, 'package.json'), '{"type":"module"}\n');
  try {
    await rename(scratch, output);
  } catch (error) {
    // Another bosun built the same sources at the same time: its build is this one.
    await rm(scratch, { recursive: true, force: true });
    if (!['ENOTEMPTY', 'EEXIST'].includes(error.code)) throw error;
  }
  const superseded = await previousBuilds(manifestFile, output);
  await writeAtomically(manifestFile, JSON.stringify({ root, inputs, output, superseded }));
  return output;
}

/** The builds superseded less than STALE_MS ago (the one being replaced among them); older ones are removed. */
async function previousBuilds(manifestFile, output) {
  const old = await readFile(manifestFile, 'utf8').then(JSON.parse, () => ({}));
  const now = Date.now();
  const superseded = [...(old.superseded ?? []), ...(old.output ? [[old.output, now]] : [])].filter(([path]) => path !== output);
  const kept = [];
  for (const [path, at] of superseded) {
    if (now - at > STALE_MS) await rm(path, { recursive: true, force: true });
    else kept.push([path, at]);
  }
  return kept;
}

/** Every relative import stays an import of the other module, compiled beside it. */
const eachModuleItsOwn = {
  name: 'bosun-each-module-its-own',
  setup(build) {
    build.onResolve({ filter: /^\.\.?\// }, (args) =>
      args.kind === 'entry-point' ? undefined : { path: args.path.replace(/\.ts$/, '.js'), external: true },
    );
  },
};

async function writeAtomically(path, data) {
  const temp = `${path}.${process.pid}.tmp`;
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(temp, data);
  await rename(temp, path);
}
