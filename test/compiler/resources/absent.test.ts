import { expect } from 'chai';
import { access, mkdir, symlink, writeFile } from 'node:fs/promises';
import { absent } from '../../../index.ts';
import { ValidationError } from '../../../compiler/errors.ts';
import { type AbsolutePath, assertConverges, local, planOf, tempDir } from '../../support/plan-harness.ts';
import { listTree } from '../../../testing/tree.ts';

const exists = (path: string): Promise<boolean> =>
  access(path).then(
    () => true,
    () => false,
  );

describe('compiler/resources/absent', () => {
  let dir: AbsolutePath;
  let dispose: () => Promise<void>;
  const tree = (): Promise<string[]> => listTree(dir);
  beforeEach(async () => ({ dir, dispose } = await tempDir()));
  afterEach(() => dispose());

  it('removes a file, a directory tree and a dangling symlink, and converges', async () => {
    await writeFile(`${dir}/file`, 'x');
    await mkdir(`${dir}/tree/deep`, { recursive: true });
    await writeFile(`${dir}/tree/deep/f`, 'y');
    await symlink(`${dir}/nowhere`, `${dir}/dangling`);
    await writeFile(`${dir}/kept`, 'k');
    await assertConverges(
      planOf([absent({ path: `${dir}/file` }), absent({ path: `${dir}/tree` }), absent({ path: `${dir}/dangling` })]),
      local,
      tree,
    );
    expect((await tree()).map((line) => line.split(' ')[0])).to.deep.equal(['"/"', '"/kept"']);
  });

  it('removes a symlink to a directory, even written with a trailing slash, and never what it points to', async () => {
    await mkdir(`${dir}/real`);
    await writeFile(`${dir}/real/f`, 'f');
    await symlink(`${dir}/real`, `${dir}/link`);
    await symlink(`${dir}/real`, `${dir}/link2`);
    await assertConverges(planOf([absent({ path: `${dir}/link/` }), absent({ path: `${dir}/link2` })]), local, tree);
    expect(await exists(`${dir}/link`)).to.equal(false);
    expect(await exists(`${dir}/link2`)).to.equal(false);
    expect(await exists(`${dir}/real/f`)).to.equal(true);
  });

  it('is ok when the path is already missing', async () => {
    await assertConverges(planOf([absent({ path: `${dir}/never` })]), local, tree, { check: ['ok'], apply: ['ok'] });
  });

  it('refuses to remove /', () => {
    expect(() => planOf([absent({ path: '/' })])).to.throw(ValidationError, /absent\.path: refusing/);
    expect(() => planOf([absent({ path: '//' as `/${string}` })])).to.throw(ValidationError, /absent\.path/);
  });
});
