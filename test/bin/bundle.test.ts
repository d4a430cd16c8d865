import { expect } from 'chai';
import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { bundledModule } from '../../bin/bundle.js';

describe('bin/bundle: one cached ES module per entry', () => {
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
});
