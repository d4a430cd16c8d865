import { expect } from 'chai';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { typecheck } from '../../cli/typecheck.ts';
import { patience } from '../support/patience.ts';

const ROOT = resolve(import.meta.dirname, '../..');

describe('cli/typecheck: playbooks are checked as the ES modules bosun loads them as @integration', function () {
  // A cold check loads the TypeScript compiler.
  this.timeout(patience(180_000));
  let dir: string;
  let cache: string | undefined;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'bosun-typecheck-'));
    cache = process.env.XDG_CACHE_HOME;
    process.env.XDG_CACHE_HOME = join(dir, 'cache');
    // What `npm init -y` writes: TypeScript would take every .ts file here for CommonJS.
    await writeFile(join(dir, 'package.json'), '{ "name": "infra", "type": "commonjs" }\n');
  });
  after(async () => {
    if (cache === undefined) delete process.env.XDG_CACHE_HOME;
    else process.env.XDG_CACHE_HOME = cache;
    await rm(dir, { recursive: true, force: true });
  });

  it("accepts import.meta and Node's types in a project whose package.json says commonjs, and still reports a type error", async () => {
    const index = JSON.stringify(join(ROOT, 'index.ts'));
    await writeFile(
      join(dir, 'site.ts'),
      `import { readFileSync } from 'node:fs';\nimport { join } from 'node:path';\nimport { definePlaybook, file } from ${index};\n\nconst text = readFileSync(join(import.meta.dirname, 'motd.txt'), 'utf8') + import.meta.url;\nexport default definePlaybook({ name: 's', plays: [{ name: 'p', hosts: 'all', roles: [{ name: 'r', resources: [file({ path: '/etc/motd', content: text })] }] }] });\n`,
    );
    expect(await typecheck(join(dir, 'site.ts'))).to.deep.equal([]);
    await writeFile(
      join(dir, 'broken.ts'),
      `import { file } from ${index};\n\nexport const dir: number = import.meta.dirname;\nexport const bad = file({ path: 'etc/motd', content: '' });\n`,
    );
    const problems = await typecheck(join(dir, 'broken.ts'));
    expect(problems.map((problem) => problem.line)).to.deep.equal([3, 4]);
    expect(problems[0]!.message).to.match(/'string' is not assignable to type 'number'/);
  });
});
