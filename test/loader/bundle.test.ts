import { expect } from 'chai';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { bundledModule } from '../../loader/bundle.ts';

describe('loader/bundle: one cached ES module per entry', () => {
  let dir: string;
  let cache: string | undefined;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bosun-bundle-'));
    cache = process.env.XDG_CACHE_HOME;
    process.env.XDG_CACHE_HOME = join(dir, 'cache');
    await mkdir(join(dir, 'src', 'lib'), { recursive: true });
    await writeFile(join(dir, 'package.json'), '{"type":"module"}\n');
    await writeFile(
      join(dir, 'src', 'lib', 'where.ts'),
      'export const where: string = import.meta.url;\nexport const dir: string = import.meta.dirname;\n',
    );
    // A package import: found through the project's node_modules, imported by absolute path.
    await symlink(join(process.cwd(), 'node_modules'), join(dir, 'node_modules'));
    await writeFile(
      join(dir, 'src', 'entry.ts'),
      `import { parse } from 'yaml';\nimport { where, dir } from './lib/where.ts';\nexport const value: number = 1;\nexport default { where, dir, self: import.meta.url, parsed: parse('a: 2') };\n`,
    );
  });
  after(async () => {
    if (cache === undefined) delete process.env.XDG_CACHE_HOME;
    else process.env.XDG_CACHE_HOME = cache;
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps each module its own import.meta, imports packages by path, and is reused until an input changes', async () => {
    const entry = join(dir, 'src', 'entry.ts');
    const first = await bundledModule(entry);
    expect(first).to.match(/^file:.*\/cache\/bosun\/bundles\/.*\.mjs$/);
    const loaded = (await import(first)).default;
    expect(loaded.where).to.equal(pathToFileURL(join(dir, 'src', 'lib', 'where.ts')).href);
    expect(loaded.dir).to.equal(join(dir, 'src', 'lib'));
    expect(loaded.self).to.equal(pathToFileURL(entry).href);
    expect(loaded.parsed).to.deep.equal({ a: 2 });
    expect(await readFile(fileURLToPath(first), 'utf8')).to.match(/from "file:\/\/\/.*\/node_modules\/yaml\//);

    expect(await bundledModule(entry)).to.equal(first);

    await writeFile(join(dir, 'src', 'lib', 'where.ts'), 'export const where: string = "moved";\nexport const dir: string = "";\n');
    const second = await bundledModule(entry);
    expect(second).not.to.equal(first);
    expect((await import(second)).default.where).to.equal('moved');
    // The superseded bundle is gone: one per entry is kept.
    expect(
      await readFile(fileURLToPath(first)).then(
        () => 'kept',
        () => 'removed',
      ),
    ).to.equal('removed');
  });

  it("imports bosun's own modules from the running engine instead of carrying a copy of them", async () => {
    const root = process.cwd();
    const entry = join(dir, 'src', 'uses-bosun.ts');
    await writeFile(
      entry,
      `export { ValidationError } from ${JSON.stringify(join(root, 'index.ts'))};\nexport { Secret } from ${JSON.stringify(join(root, 'compiler/secret.ts'))};\n`,
    );
    const url = await bundledModule(entry);
    const loaded = await import(url);
    // The very modules the engine's own URLs name (tsx loads this test's static imports as
    // CommonJS, a copy of their own: the engine's ES modules are what a run has).
    const errors = await import(pathToFileURL(join(root, 'compiler/errors.ts')).href);
    const secrets = await import(pathToFileURL(join(root, 'compiler/secret.ts')).href);
    expect(loaded.ValidationError).to.equal(errors.ValidationError);
    expect(loaded.Secret).to.equal(secrets.Secret);
    const code = await readFile(fileURLToPath(url), 'utf8');
    expect(code).to.contain(`from ${JSON.stringify(pathToFileURL(join(root, 'index.ts')).href)}`);
    expect(code).not.to.match(/class ValidationError|class Secret/);
  });
});
