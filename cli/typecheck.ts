import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { ENGINE_MODULES, enginePath } from '../compiler/engine.ts';
import { LoadError } from '../compiler/errors.ts';
import { cacheDir } from '../loader/cache-dir.ts';

/** One type error, where it is. */
export interface TypeProblem {
  readonly file: string;
  readonly line: number;
  readonly column: number;
  readonly message: string;
}

/**
 * Type-checks a TypeScript entry file (a playbook, an inventory) and everything it
 * imports, with bosun's strict settings. Returns the problems; none means it may be
 * loaded. A file set whose contents were already found clean is not checked again
 * (the cache holds content hashes, so any edit anywhere in the set re-checks).
 */
export async function typecheck(entry: string): Promise<TypeProblem[]> {
  // A check by another bosun (an upgrade in node_modules) is not trusted.
  const cacheFile = join(cacheDir('typecheck'), `${sha(`${ENGINE_MODULES}\0${engineVersion()}\0${entry}`)}.json`);
  if (await stillClean(cacheFile)) return [];
  // The TypeScript compiler is loaded only when a check is needed, not on a cache hit.
  const { ModuleKind, ModuleResolutionKind, Project, ScriptTarget, ts } = await import('ts-morph');
  const project = new Project({
    compilerOptions: {
      target: ScriptTarget.ES2022,
      // bosun bundles what it loads (esbuild): every file is an ES module whatever its package.json says
      // (`npm init` writes "type": "commonjs"), so import.meta works, and imports resolve as a bundler's do.
      module: ModuleKind.ESNext,
      moduleResolution: ModuleResolutionKind.Bundler,
      strict: true,
      noEmit: true,
      allowImportingTsExtensions: true,
      skipLibCheck: true,
      lib: ['lib.es2023.d.ts'],
      // Node's types come with bosun (a dependency), found from bosun wherever the playbook is.
      typeRoots: [dirname(dirname(createRequire(import.meta.url).resolve('@types/node/package.json')))],
      types: ['node'],
    },
  });
  project.addSourceFileAtPath(entry);
  project.resolveSourceFileDependencies();
  // bosun's own engine is checked by its CI; checking only the user's files (with
  // full type information) keeps a cold check fast.
  const program = project.getProgram();
  const diagnostics = project
    .getSourceFiles()
    .filter((source) => !isEngineFile(source.getFilePath()))
    .flatMap((source) => [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)]);
  const problems = diagnostics.map((diagnostic): TypeProblem => {
    const source = diagnostic.getSourceFile();
    const start = diagnostic.getStart() ?? 0;
    const position = source?.getLineAndColumnAtPos(start) ?? { line: 0, column: 0 };
    return {
      file: source?.getFilePath() ?? entry,
      line: position.line,
      column: position.column,
      message: ts.flattenDiagnosticMessageText(diagnostic.compilerObject.messageText, '\n'),
    };
  });
  if (problems.length === 0) {
    const files = project
      .getSourceFiles()
      .map((source) => source.getFilePath())
      .filter((path) => !path.includes('/node_modules/'));
    await remember(cacheFile, files);
  }
  return problems;
}

/** Throws a LoadError listing every problem as file:line:col. */
export async function assertTypesafe(entry: string): Promise<void> {
  const problems = await typecheck(entry);
  if (problems.length === 0) return;
  const first = problems[0]!;
  throw new LoadError(`type errors, nothing was run:\n${problems.map((p) => `${p.file}:${p.line}:${p.column}: ${p.message}`).join('\n')}`, {
    file: first.file,
    line: first.line,
    column: first.column,
  });
}

function isEngineFile(path: string): boolean {
  return path.includes('/node_modules/') || enginePath(path) !== undefined;
}

/** The version in the package.json of the running bosun (beside its modules, or above dist/). */
function engineVersion(): string {
  for (const file of [join(ENGINE_MODULES, 'package.json'), join(ENGINE_MODULES, '..', 'package.json')]) {
    try {
      const { version } = JSON.parse(readFileSync(file, 'utf8')) as { version?: unknown };
      if (typeof version === 'string') return version;
    } catch {
      // Not in this folder.
    }
  }
  return 'unknown';
}

function sha(text: string | Buffer): string {
  return createHash('sha256').update(text).digest('hex');
}

async function stillClean(cacheFile: string): Promise<boolean> {
  try {
    const entries = JSON.parse(await readFile(cacheFile, 'utf8')) as [string, string][];
    // Synchronous reads: on every start-up, with nothing else to do meanwhile (bin/dev-engine.js does the same).
    return entries.length > 0 && entries.every(([path, hash]) => sha(readFileSync(path)) === hash);
  } catch {
    return false;
  }
}

async function remember(cacheFile: string, files: string[]): Promise<void> {
  try {
    const entries = await Promise.all(files.map(async (path) => [path, sha(await readFile(path))] as const));
    await mkdir(dirname(cacheFile), { recursive: true });
    await writeFile(cacheFile, JSON.stringify(entries));
  } catch {
    // A cache that cannot be written only costs time.
  }
}
