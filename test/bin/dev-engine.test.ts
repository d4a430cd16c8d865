import { expect } from 'chai';
import { execa } from 'execa';
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { devEngine } from '../../bin/dev-engine.js';

const ROOT = resolve(import.meta.dirname, '../..');
const build = devEngine;

describe('bin/dev-engine: a clone runs a build of its sources, one module per file, cached by content @integration', () => {
  let dir: string;
  let src: string;
  let cache: string | undefined;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bosun-dev-engine-'));
    cache = process.env.XDG_CACHE_HOME;
    process.env.XDG_CACHE_HOME = join(dir, 'cache');
    src = `${join(dir, 'clone')}/`;
    await mkdir(join(src, 'compiler'), { recursive: true });
    await writeFile(join(src, 'tsconfig.build.json'), JSON.stringify({ include: ['index.ts', 'compiler'] }));
    await writeFile(join(src, 'index.ts'), "export { where, sourceRoot, parsed } from './compiler/where.ts';\n");
    await writeFile(
      join(src, 'compiler', 'where.ts'),
      [
        "import { parse } from 'yaml';",
        'declare const BOSUN_SOURCE_ROOT: string | undefined;',
        'export const where: string = import.meta.url;',
        "export const sourceRoot: string = typeof BOSUN_SOURCE_ROOT === 'string' ? BOSUN_SOURCE_ROOT : 'none';",
        "export const parsed: unknown = parse('a: 1');",
        '',
      ].join('\n'),
    );
    // Packages come from the clone's node_modules.
    await symlink(join(ROOT, 'node_modules'), join(src, 'node_modules'));
  });
  after(async () => {
    if (cache === undefined) delete process.env.XDG_CACHE_HOME;
    else process.env.XDG_CACHE_HOME = cache;
    await rm(dir, { recursive: true, force: true });
  });

  it('compiles each source to a module of its own that imports the others, knows its sources, and finds packages', async () => {
    const url = await build(src, 'index.js');
    const loaded = await import(url);
    expect(loaded.where).to.equal(new URL('compiler/where.js', url).href);
    expect(loaded.sourceRoot).to.equal(src);
    expect(loaded.parsed).to.deep.equal({ a: 1 });
    const index = await readFile(fileURLToPath(url), 'utf8');
    expect(index).to.contain('from "./compiler/where.js"');
    expect(index).not.to.contain('import.meta');
  });

  it('is reused while the sources are the same, and rebuilt beside the old one when one changes or a file is added', async () => {
    const first = await build(src, 'index.js');
    expect(await build(src, 'index.js')).to.equal(first);
    await writeFile(join(src, 'compiler', 'extra.ts'), 'export const extra = 1;\n');
    const second = await build(src, 'compiler/extra.js');
    expect(new URL('..', second).href).not.to.equal(new URL('.', first).href);
    expect((await import(second)).extra).to.equal(1);
    // The superseded build stays a while: a bosun started from it may still import from it.
    expect((await import(first)).where).to.match(/compiler\/where\.js$/);
    const builds = (await readdir(join(dir, 'cache', 'bosun', 'engine'))).filter((name) => !name.endsWith('.json'));
    expect(builds).to.have.length(2);
  });

  it('bin/bosun.js runs such a build of bosun, and a playbook bundle imports its modules', async () => {
    const playbook = join(dir, 'site.ts');
    await writeFile(
      playbook,
      `import { definePlaybook, file } from ${JSON.stringify(join(ROOT, 'index.ts'))};\nexport default definePlaybook({ name: 's', plays: [{ name: 'p', hosts: 'all', roles: [{ name: 'r', resources: [file({ path: '/tmp/x', content: '' })] }] }] });\n`,
    );
    const env = { XDG_CACHE_HOME: join(dir, 'bosun-cache') };
    const compiled = await execa(process.execPath, [join(ROOT, 'bin/bosun.js'), 'compile', playbook, '--no-typecheck'], {
      env,
      reject: false,
    });
    expect(compiled.exitCode, compiled.stderr).to.equal(0);
    expect(compiled.stdout).to.contain('/tmp/x');
    const engines = (await readdir(join(dir, 'bosun-cache/bosun/engine'))).filter((name) => !name.endsWith('.json'));
    expect(engines).to.have.length(1);
    const bundles = join(dir, 'bosun-cache/bosun/bundles');
    const [bundle] = (await readdir(bundles)).filter((name) => name.endsWith('.mjs'));
    const code = await readFile(join(bundles, bundle!), 'utf8');
    expect(code).to.contain(`/bosun/engine/${engines[0]}/index.js"`);
    expect(code).not.to.match(/class (ValidationError|Secret)\b/);
  });
});
