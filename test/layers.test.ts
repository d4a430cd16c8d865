import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { ENGINE_PARTS } from '../compiler/engine.ts';
import { ROOT, treeSourceFiles } from './support/source-tree.ts';

/**
 * The library's layers, bottom first: a folder imports its own layer and those below it.
 * compiler/ is pure and holds the shared model (the Host); runner/ and cli/ sit on
 * inventory/; testing/ (bosun/testing) sits beside cli/, and neither imports the other.
 */
const LAYERS: readonly (readonly string[])[] = [['compiler'], ['loader'], ['inventory'], ['runner'], ['cli', 'testing']];

/** What user-level code (the shipped roles, the playbooks) may import of the tree: the public surface and the compiler. */
const USER_LEVEL = new Set(['roles', 'playbooks']);
const PUBLIC = ['index.ts', 'compiler'];

/** Modules that reach the world: the compiler must not import them (no I/O in compiler/). */
const IMPURE = /^(node:)?(fs|fs\/promises|child_process|net|dgram|http|https|http2|tls|dns|worker_threads|cluster)$|^execa$/;

/** The part of the tree a file belongs to: its top folder, or the file itself at the top. */
function partOf(file: string): string {
  return file.split('/')[0]!;
}

function layerOf(part: string): number {
  return LAYERS.findIndex((layer) => layer.includes(part));
}

/** Why importing `target` (a tree path, or a package for a bare specifier) from `file` is wrong; undefined when it is fine. */
function crossing(file: string, target: string, bare: boolean): string | undefined {
  const from = partOf(file);
  if (bare) return from === 'compiler' && IMPURE.test(target) ? `compiler/ is pure: ${file} imports ${target}` : undefined;
  const to = partOf(target);
  if (target.startsWith('bin/') && from !== 'test' && from !== 'bin')
    return `${file} imports ${target}: bin/ only starts bosun, the library never imports it`;
  if (USER_LEVEL.has(from)) {
    const allowed = PUBLIC.includes(to) || to === from || (from === 'playbooks' && to === 'roles');
    return allowed ? undefined : `${file} imports ${target}: ${from}/ imports only the public surface (index.ts) or compiler/`;
  }
  if (from === 'index.ts') return to === 'cli' || to === 'testing' || USER_LEVEL.has(to) ? `index.ts imports ${target}` : undefined;
  const fromLayer = layerOf(from);
  if (fromLayer === -1) return undefined;
  if (to === 'index.ts' || USER_LEVEL.has(to))
    return `${file} imports ${target}: the library does not import its public surface or user-level code`;
  const toLayer = layerOf(to);
  if (toLayer === -1) return `${file} imports ${target}, outside the library`;
  if (toLayer > fromLayer) return `${file} (${from}/) imports ${target} (${to}/), a layer above it`;
  if (toLayer === fromLayer && to !== from) return `${file} imports ${target}: ${from}/ and ${to}/ sit side by side`;
  return undefined;
}

/** Every import of every file of the tree (static, dynamic with a literal, export-from, type-only), as [file, target, bare]. */
function imports(): [string, string, boolean][] {
  return treeSourceFiles().flatMap((file) =>
    ts.preProcessFile(readFileSync(join(ROOT, file), 'utf8'), true, true).importedFiles.map(({ fileName }): [string, string, boolean] => {
      if (!fileName.startsWith('.')) return [file, fileName, true];
      return [file, relative(ROOT, resolve(ROOT, dirname(file), fileName)), false];
    }),
  );
}

describe('layers: imports point one way', () => {
  const all = imports();

  it('reads the imports of the whole tree (library, roles, playbooks, tests)', () => {
    const parts = new Set(all.map(([file]) => partOf(file)));
    for (const part of ['compiler', 'loader', 'inventory', 'runner', 'cli', 'testing', 'roles', 'playbooks', 'test', 'index.ts']) {
      expect(parts, part).to.include(part);
    }
  });

  it('no import crosses a layer the wrong way, and compiler/ imports nothing that does I/O', () => {
    const wrong = all.map(([file, target, bare]) => crossing(file, target, bare)).filter((why) => why !== undefined);
    expect(wrong).to.deep.equal([]);
  });

  it('the layers name the library the engine knows and the package builds', () => {
    const library = LAYERS.flat();
    expect(ENGINE_PARTS.map((part) => part.replace(/\/$/, '')).sort()).to.deep.equal(['index', ...library].sort());
    const { include } = JSON.parse(readFileSync(join(ROOT, 'tsconfig.build.json'), 'utf8')) as { include: string[] };
    expect([...include].sort()).to.deep.equal(['index.ts', ...library, 'roles'].sort());
  });

  it('refuses what it is meant to refuse', () => {
    expect(crossing('compiler/render.ts', 'inventory/inventory.ts', false)).to.match(/a layer above it/);
    expect(crossing('compiler/render.ts', 'node:fs/promises', true)).to.match(/compiler\/ is pure/);
    expect(crossing('compiler/render.ts', 'execa', true)).to.match(/compiler\/ is pure/);
    expect(crossing('runner/run-host.ts', 'cli/main.ts', false)).to.match(/a layer above it/);
    expect(crossing('testing/run-plan.ts', 'cli/main.ts', false)).to.match(/side by side/);
    expect(crossing('cli/load-playbook.ts', 'bin/bundle.js', false)).to.match(/bin\//);
    expect(crossing('roles/x/index.ts', 'runner/run-host.ts', false)).to.match(/public surface/);
    expect(crossing('compiler/render.ts', 'index.ts', false)).to.match(/public surface/);
    expect(crossing('cli/main.ts', 'compiler/render.ts', false)).to.equal(undefined);
    expect(crossing('roles/x/index.ts', 'index.ts', false)).to.equal(undefined);
    expect(crossing('inventory/load.ts', 'yaml', true)).to.equal(undefined);
  });
});
